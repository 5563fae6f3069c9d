import type { SealedEnterpriseFields } from '../domain/enterprise-subject';
import { maskIdNumber } from '../domain/masking';
import type { PiiCipher } from '../platform/crypto';
import type { Db } from '../platform/db';
import { invalidRequest, recordMissing } from '../platform/failures';
import type { MessageText, AccountRow, NextSubject } from '../store/accounts';
import type { ChangeRow } from '../store/changes';
import * as store from '../store/subject-switch';
import type { Tx } from '../store/tx';
import { verificationById } from '../store/verifications';
import type { ChangeRequest } from '../workflows/change-messages';
import type { ProcessKeys } from '../platform/data-keys';
import { openAll, openEither } from './identity';

/**
 * What a change's switch makes of the account (store/subject-switch.ts runs
 * the switch in one transaction): the new subject from the sealed request,
 * or from the verification the change ran for it.
 */

export type SwitchResult = store.SwitchResult;

/** How the switch opens and seals: the PII key for older rows, the change's own data key for what it writes. */
interface Sealing {
  cipher: PiiCipher;
  keys: ProcessKeys;
}

export function switchSubject(
  db: Db,
  sealing: Sealing,
  args: { changeId: string; revision: number; messages: { completed: MessageText; quotaExceeded: MessageText } },
): Promise<SwitchResult> {
  return store.switchSubject(db, args, async (c, account, tx) => {
    if (!c.request_enc) throw recordMissing(`the sealed request of change ${c.id}`);
    // Its people sealed under the change's key (requests from before: in clear inside the PII key's seal).
    const request = await openAll(JSON.parse(sealing.cipher.decrypt(c.request_enc)) as ChangeRequest, (sealed) => sealing.keys.open(sealed));
    return nextSubjectOf(tx, sealing, c, account, request);
  });
}

/** The account's current sealed fields: the ones a change wrote, else its verification's. */
async function currentSealed(tx: Tx, account: AccountRow): Promise<{ idNumberEnc: string | null; piiEnc: string | null }> {
  if (account.id_number_enc || account.pii_enc) return { idNumberEnc: account.id_number_enc, piiEnc: account.pii_enc };
  const v = account.verification_id ? await verificationById(tx, account.verification_id) : undefined;
  return { idNumberEnc: v?.id_number_enc ?? null, piiEnc: v?.pii_enc ?? null };
}

async function nextSubjectOf(tx: Tx, sealing: Sealing, c: ChangeRow, account: AccountRow, request: ChangeRequest): Promise<NextSubject> {
  const sealUnderChange = (value: string) => sealing.keys.seal({ processId: c.id, accountId: c.account_id }, value);
  const same = { subjectType: account.subject_type!, identityHash: account.identity_hash!, method: account.verified_method ?? '', verificationId: account.verification_id, credit: null };
  switch (request.type) {
    case 'individual_to_enterprise':
    case 'enterprise_entity_change':
      return fromVerification(tx, c);
    case 'individual_to_individual': {
      const p = request.newPerson;
      return {
        subjectType: 'individual',
        subject: { realName: await sealUnderChange(p.realName), idType: p.idType, idNumber: maskIdNumber(p.idNumber), industry: p.industry, address: p.address },
        idNumberEnc: await sealUnderChange(p.idNumber),
        piiEnc: null,
        identityHash: request.newIdentityHash,
        method: p.idType === 'mainland_id' ? 'face' : 'wechat_qr',
        verificationId: null,
        credit: null,
      };
    }
    case 'enterprise_name_change':
      return { ...same, ...(await currentSealed(tx, account)), subject: { ...account.subject, name: request.newName } };
    case 'legal_representative_update': {
      const sealed = await currentSealed(tx, account);
      const person = request.newLegalPerson;
      const fields = (sealed.piiEnc ? JSON.parse(await openEither(sealed.piiEnc, sealing)) : {}) as SealedEnterpriseFields;
      const piiEnc = await sealUnderChange(JSON.stringify({ ...fields, legalPerson: { idNumber: person.idNumber } }));
      // The subject stays the enterprise; the record names the new legal person.
      return { ...same, idNumberEnc: sealed.idNumberEnc, piiEnc, subject: { ...account.subject, legalPerson: { name: await sealUnderChange(person.name), idNumber: maskIdNumber(person.idNumber) } } };
    }
  }
}

/** The new subject a change's verification verified. */
async function fromVerification(tx: Tx, c: ChangeRow): Promise<NextSubject> {
  const v = c.verification_id ? await verificationById(tx, c.verification_id) : undefined;
  if (!v || v.status !== 'verified') throw invalidRequest(`change ${c.id} has no verified new subject`);
  return {
    subjectType: v.subject_type,
    // As a verification's completion writes it: the account view shows it in the same shape.
    subject: v.subject,
    idNumberEnc: v.id_number_enc,
    piiEnc: v.pii_enc,
    identityHash: v.identity_hash,
    method: v.method,
    verificationId: v.id,
    credit: v.pending_credit,
  };
}

