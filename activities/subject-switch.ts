import type { Knex } from 'knex';
import type { SubjectType } from '../domain/constants';
import type { SealedEnterpriseFields } from '../domain/enterprise-subject';
import { maskIdNumber } from '../domain/masking';
import type { PiiCipher } from '../platform/crypto';
import type { AccountRow, VerificationRow } from '../platform/tables';
import type { ChangeRequest } from '../workflows/change-messages';
import { creditTransfer, RefundReason } from '../platform/money-ledger';
import { ensureAccount, type AccountMessage } from './accounts';
import { closeChange, lockChange, terminalOf, type ChangeRow, type ChangeTerminal } from './change-repository';
import { invalidRequest, recordMissing } from './failures';
import { lockIdentity, quotaTransaction, shownName } from './repository';
import { processEvent, recordAudit } from '../platform/audit';

/**
 * The switch that completes a change of subject (SPEC §5), in one transaction:
 * the old identity's slot released and the new identity's taken under the same
 * locked count as a verification's completion, the subject with its sealed
 * personal fields, `verifiedAt`, a new cooling-off, and (recharge as the new
 * subject's method) the matched transfer credited. A quota that no longer fits
 * fails the change and changes nothing else. Idempotent.
 */

/** What the account becomes. */
interface NextSubject {
  subjectType: SubjectType;
  subject: Record<string, unknown>;
  idNumberEnc: string | null;
  piiEnc: string | null;
  identityHash: string;
  method: string;
  verificationId: string | null;
  credit: { amountFen: number; reference: string } | null;
}

/** Runs recorded before the money ledger may carry `refund` (their change workflows then refund it themselves). */
export type SwitchResult = ChangeTerminal & { refund?: { transferId: string; requestId: string } };

export async function switchSubject(
  db: Knex,
  cipher: PiiCipher,
  args: { changeId: string; revision: number; messages: { completed: AccountMessage; quotaExceeded: AccountMessage } },
): Promise<SwitchResult> {
  return quotaTransaction(db, async (trx) => {
    const c = await lockChange(trx, args.changeId);
    if (c.status !== 'in_progress') return terminalOf(c);
    const account = await ensureAccount(trx, c.account_id);
    if (!c.request_enc) throw recordMissing(`the sealed request of change ${c.id}`);
    const request = JSON.parse(cipher.decrypt(c.request_enc)) as ChangeRequest;
    const next = await nextSubjectOf(trx, cipher, c, account, request);

    const newIdentity = next.identityHash !== account.identity_hash;
    if (newIdentity) {
      const quota = await lockIdentity(trx, next.identityHash, next.subjectType);
      if (quota.used >= quota.limit) {
        const outcome = { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' } as const;
        // A recharge matched for this switch goes back (closeChange settles it).
        await closeChange(trx, c, args.revision, outcome, args.messages.quotaExceeded, RefundReason.identityQuotaExceeded);
        return outcome;
      }
      await trx('identity_bindings').where({ account_id: c.account_id }).whereNull('released_at').update({ released_at: trx.fn.now() });
      await trx('identity_bindings').insert({ identity_hash: next.identityHash, account_id: c.account_id, verification_id: next.verificationId, change_id: c.id });
    }
    if (next.credit) await creditTransfer(trx, { transferId: next.credit.reference, accountId: c.account_id, amountFen: next.credit.amountFen });
    await trx('accounts')
      .where({ id: c.account_id })
      .update({
        subject_type: next.subjectType,
        subject: JSON.stringify(next.subject),
        subject_name: shownName(next.subject),
        identity_hash: next.identityHash,
        id_number_enc: next.idNumberEnc,
        pii_enc: next.piiEnc,
        verified_method: next.method,
        ...(newIdentity ? { verified_at: trx.fn.now(), verification_id: next.verificationId } : {}),
        last_completed_at: trx.fn.now(),
        updated_at: trx.fn.now(),
      });
    await recordAudit(trx, {
      ...processEvent(c, 'account.subject_changed', { changeId: c.id, subjectType: next.subjectType, newIdentity }, `${c.id}/switched`),
      resource: { kind: 'account', id: c.account_id },
    });
    const outcome = { status: 'completed', failureReason: null } as const;
    await closeChange(trx, c, args.revision, outcome, args.messages.completed);
    return outcome;
  });
}

/** The account's current sealed fields: the ones a change wrote, else its verification's. */
async function currentSealed(trx: Knex.Transaction, account: AccountRow): Promise<{ idNumberEnc: string | null; piiEnc: string | null }> {
  if (account.id_number_enc || account.pii_enc) return { idNumberEnc: account.id_number_enc, piiEnc: account.pii_enc };
  const v = account.verification_id ? await trx<VerificationRow>('verifications').where({ id: account.verification_id }).first() : undefined;
  return { idNumberEnc: v?.id_number_enc ?? null, piiEnc: v?.pii_enc ?? null };
}

async function nextSubjectOf(trx: Knex.Transaction, cipher: PiiCipher, c: ChangeRow, account: AccountRow, request: ChangeRequest): Promise<NextSubject> {
  const same = { subjectType: account.subject_type!, identityHash: account.identity_hash!, method: account.verified_method ?? '', verificationId: account.verification_id, credit: null };
  switch (request.type) {
    case 'individual_to_enterprise':
    case 'enterprise_entity_change':
      return fromVerification(trx, c);
    case 'individual_to_individual': {
      const p = request.newPerson;
      return {
        subjectType: 'individual',
        subject: { realName: p.realName, idType: p.idType, idNumber: maskIdNumber(p.idNumber), industry: p.industry, address: p.address },
        idNumberEnc: cipher.encrypt(p.idNumber),
        piiEnc: null,
        identityHash: request.newIdentityHash,
        method: p.idType === 'mainland_id' ? 'face' : 'wechat_qr',
        verificationId: null,
        credit: null,
      };
    }
    case 'enterprise_name_change':
      return { ...same, ...(await currentSealed(trx, account)), subject: { ...account.subject, name: request.newName } };
    case 'legal_representative_update': {
      const sealed = await currentSealed(trx, account);
      const person = request.newLegalPerson;
      const fields = (sealed.piiEnc ? JSON.parse(cipher.decrypt(sealed.piiEnc)) : {}) as SealedEnterpriseFields;
      const piiEnc = cipher.encrypt(JSON.stringify({ ...fields, legalPerson: { idNumber: person.idNumber } }));
      // The subject stays the enterprise; the record names the new legal person.
      return { ...same, idNumberEnc: sealed.idNumberEnc, piiEnc, subject: { ...account.subject, legalPerson: { name: person.name, idNumber: maskIdNumber(person.idNumber) } } };
    }
  }
}

/** The new subject a change's verification verified. */
async function fromVerification(trx: Knex.Transaction, c: ChangeRow): Promise<NextSubject> {
  const v = c.verification_id ? await trx<VerificationRow>('verifications').where({ id: c.verification_id }).first() : undefined;
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

