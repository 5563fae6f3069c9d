import type { RegistryProvider } from '../../adapters/types';
import type { EnterpriseCodeKind } from '../../domain/enterprise';
import { identityCode, mayMapToCreditCode } from '../../domain/enterprise-identity';
import { appError } from '../../domain/errors';
import { parseMainlandId } from '../../domain/id-number';
import { enterpriseIdentityHash } from '../../domain/keyed-hashes';
import type { ProcessTimings } from '../../platform/config';
import type { PiiCipher } from '../../platform/crypto';
import type { ProcessKeys } from '../../platform/data-keys';
import type { ChangeTimings } from '../../workflows/change-messages';
import type { EnterpriseApplication } from '../../domain/enterprise-subject';
import type { CorrectedMaterials, EnterpriseTimings, IndividualApplicant, Person, VerificationTimings } from '../../workflows/messages';

/** Pieces of a workflow's input, fixed at start so a configuration change never alters a running process. */

type EnterpriseCode = { normalized: string; kind: EnterpriseCodeKind };

export interface EnterpriseIdentityDeps {
  cipher: PiiCipher;
  /** The registry as the service calls it: an outage throws ProviderUnavailableError (503 PROVIDER_UNAVAILABLE). */
  registry: RegistryProvider;
}

/**
 * The identity an enterprise code counts under (SPEC §10): a registration
 * number or organisation code the registry maps to a credit code counts as
 * that code. Asked here, before a workflow starts, so the early quota check
 * and the workflow's atomic one count the same identity, fixed in its input.
 * A registry that cannot answer fails the request (503, retried by the
 * client) instead of counting the code as an identity of its own.
 */
export async function enterpriseIdentity(deps: EnterpriseIdentityDeps, code: EnterpriseCode): Promise<string> {
  return enterpriseIdentityHash(deps.cipher, await enterpriseIdentityCode(deps.registry, code));
}

/** The code that identity is keyed by: the credit code the registry maps this one to, or this one. */
export async function enterpriseIdentityCode(registry: RegistryProvider, code: EnterpriseCode): Promise<string> {
  const record = mayMapToCreditCode(code) ? await registry.lookup(code.normalized) : null;
  return identityCode(code, record?.creditCode ?? null);
}

/** A mainland ID number of a person named in an application (18 characters, check digit, birth date). */
export function mainlandPerson(person: { name: string; idNumber: string }, path: string): Person {
  const parsed = parseMainlandId(person.idNumber);
  if (!parsed.ok) {
    throw appError('ID_NUMBER_INVALID', 'Only mainland ID card numbers are accepted here.', { errors: [{ path: `${path}.idNumber`, message: `invalid (${parsed.problem})` }] });
  }
  return { name: person.name, idNumber: parsed.normalized };
}

/** The timings every verification runs under. */
export const verificationTimings = (t: ProcessTimings): VerificationTimings => ({
  qrTtlMs: t.qrTtlMs,
  qrRefreshLimit: t.qrRefreshLimit,
  instantMethodTtlMs: t.instantMethodTtlMs,
  faceMaxAttempts: t.faceMaxAttempts,
  providerCallTimeoutMs: t.providerCallTimeoutMs,
  historyRolloverEvents: t.historyRolloverEvents,
  remindersBeforeMs: t.remindersBeforeMs,
});

/** An enterprise verification's: those, and the windows of recharge and public remittance. */
export const enterpriseTimings = (t: ProcessTimings): EnterpriseTimings => ({
  ...verificationTimings(t),
  transferWindowMs: t.transferWindowMs,
  amountEntryWindowMs: t.amountEntryWindowMs,
  resubmitWindowMs: t.resubmitWindowMs,
  payoutSettlementTimeout: t.payoutSettlementTimeout,
});

/** A change of subject's: the QR timings of its face and WeChat steps, CHANGE_VALIDITY and CHANGE_COOLDOWN. */
export const changeTimings = (t: ProcessTimings): ChangeTimings => ({
  ...verificationTimings(t),
  changeValidityMs: t.changeValidityMs,
  changeCooldownMs: t.changeCooldownMs,
});

/** The applicant's personal values (SPEC §11: name, ID number, birth date) sealed under the process's data key; the rest as it is. */
export async function sealApplicant(keys: ProcessKeys, process: { processId: string; accountId: string }, applicant: IndividualApplicant): Promise<IndividualApplicant> {
  const seal = (value: string) => keys.seal(process, value);
  const [realName, idNumber, birthDate] = await Promise.all([seal(applicant.realName), seal(applicant.idNumber), applicant.birthDate ? seal(applicant.birthDate) : undefined]);
  return { ...applicant, realName, idNumber, ...(birthDate ? { birthDate } : {}) };
}

export type Process = { processId: string; accountId: string };
/** A person's name and ID number sealed under the process's key. */
export const sealPerson = async (keys: ProcessKeys, process: Process, p: Person): Promise<Person> => ({ ...p, name: await keys.seal(process, p.name), idNumber: await keys.seal(process, p.idNumber) });
const sealAccount = async <A extends { accountNumber: string }>(keys: ProcessKeys, process: Process, a: A): Promise<A> => ({ ...a, accountNumber: await keys.seal(process, a.accountNumber) });

/** An enterprise application's people (contact, legal person, handler: names, ID numbers, the mobile) and bank account numbers, sealed under the process's key. */
export async function sealEnterpriseApplicant<A extends EnterpriseApplication>(keys: ProcessKeys, process: Process, a: A): Promise<A> {
  const contact = { ...(await sealPerson(keys, process, a.contact)), mobile: await keys.seal(process, a.contact.mobile) };
  return {
    ...a,
    contact,
    ...(a.legalPerson ? { legalPerson: await sealPerson(keys, process, a.legalPerson) } : {}),
    ...(a.handler ? { handler: await sealPerson(keys, process, a.handler) } : {}),
    ...(a.payerAccount ? { payerAccount: await sealAccount(keys, process, a.payerAccount) } : {}),
    ...(a.bankAccount ? { bankAccount: await sealAccount(keys, process, a.bankAccount) } : {}),
  };
}

/** Corrected materials after a rejection, sealed like the application they replace. */
export async function sealCorrections(keys: ProcessKeys, process: Process, c: CorrectedMaterials): Promise<CorrectedMaterials> {
  return {
    ...(c.bankAccount ? { bankAccount: await sealAccount(keys, process, c.bankAccount) } : {}),
    ...(c.handler ? { handler: await sealPerson(keys, process, c.handler) } : {}),
  };
}
