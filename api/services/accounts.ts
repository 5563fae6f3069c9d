import type { PiiCipher } from '../../platform/crypto';
import { assertAccountAccess, seesPlainPii, type Principal } from '../auth';
import type { ReadModel } from '../read-model';
import { accountView, messageView } from '../views';

export function buildAccountService(deps: { readModel: ReadModel; cipher: PiiCipher; changeCooldownMs: number }) {
  const { readModel, cipher } = deps;
  return {
    /** An account never seen answers `unverified` (API.md), not 404. */
    async get(principal: Principal, accountId: string) {
      assertAccountAccess(principal, accountId);
      const row = await readModel.account(accountId);
      const view = accountView(accountId, row, deps.changeCooldownMs);
      if (seesPlainPii(principal) && view.verification.subject && row?.verification_id) {
        const verification = await readModel.verification(row.verification_id);
        if (verification?.id_number_enc) view.verification.subject = { ...view.verification.subject, idNumber: cipher.decrypt(verification.id_number_enc) };
      }
      return view;
    },

    async messages(principal: Principal, accountId: string, limit: number, cursor?: string) {
      assertAccountAccess(principal, accountId);
      const page = await readModel.messages(accountId, limit, cursor);
      return { items: page.items.map(messageView), nextCursor: page.nextCursor };
    },
  };
}

export type AccountService = ReturnType<typeof buildAccountService>;
