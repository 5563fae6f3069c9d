import { individualOptions } from '../../domain/eligibility';
import { classifyEnterpriseCode } from '../../domain/enterprise';
import { enterpriseOptions } from '../../domain/enterprise-rules';
import { sameEntityName } from '../../domain/entity-name';
import { appError } from '../../domain/errors';
import { openAllWith } from '../../domain/sealed-value';
import type { ProcessKeys } from '../../platform/data-keys';
import { seesPlainPii, type Principal } from '../http/auth';
import type { ReadModel } from '../../store/read-model';
import { accountView, inboxMessageView } from '../../views/account';
import { subjectView } from '../../views/verification';

export function buildAccountService(deps: { readModel: ReadModel; keys: ProcessKeys; changeCooldownMs: number }) {
  const { readModel } = deps;
  return {
    /** An account never seen answers `unverified` (API.md), not 404. */
    async get(principal: Principal, accountId: string) {
      const row = await readModel.account(accountId);
      const view = accountView(accountId, row, deps.changeCooldownMs, await deps.keys.readerFor(row?.subject));
      if (seesPlainPii(principal) && view.verification.subject && row) {
        // A change that set the subject sealed its fields on the account; before any change the verification holds them.
        if (row.id_number_enc || row.pii_enc) view.verification.subject = subjectView({ subject: row.subject ?? {}, id_number_enc: row.id_number_enc, pii_enc: row.pii_enc }, true, await deps.keys.readerFor(row));
        else if (row.verification_id) {
          const verification = await readModel.verification(row.verification_id);
          if (verification) view.verification.subject = subjectView(verification, true, await deps.keys.readerFor(verification));
        }
      }
      return view;
    },

    /** Which methods this subject may use (SPEC §2.1, §4); the same rules refuse a start. */
    verificationOptions(principal: Principal, accountId: string, query: { subjectType: 'individual' | 'enterprise'; idType: string; creditCode?: string | undefined }) {
      if (query.subjectType === 'individual') return individualOptions(query.idType);
      const code = query.creditCode ? classifyEnterpriseCode('non_business_license', query.creditCode) : undefined;
      if (code && !code.ok) {
        throw appError('CREDIT_CODE_INVALID', 'Not a valid credit code.', { errors: [{ path: 'query.creditCode', message: 'invalid code or check character' }] });
      }
      return enterpriseOptions(code?.ok === true && code.industrialCommercial);
    },

    /** SPEC §2: an ICP filing needs the verified name to equal the filing entity's name. */
    async icpNameCheck(principal: Principal, accountId: string, filingEntityName: string) {
      const row = await readModel.account(accountId);
      if (row?.verification_status !== 'verified' || !row.subject_name) {
        throw appError('NOT_VERIFIED', 'The account is not verified: an ICP filing needs a verified name.');
      }
      // A person's name is sealed at rest: opened for the comparison and the answer.
      const reader = await deps.keys.readerFor(row.subject_name);
      const verifiedName = openAllWith(row.subject_name, (sealed) => reader.decrypt(sealed));
      return { match: sameEntityName(verifiedName, filingEntityName), verifiedName };
    },

    async inbox(principal: Principal, accountId: string, limit: number, cursor?: string) {
      const page = await readModel.inbox(accountId, limit, cursor);
      return { items: page.items.map(inboxMessageView), nextCursor: page.nextCursor };
    },
  };
}

export type AccountService = ReturnType<typeof buildAccountService>;
