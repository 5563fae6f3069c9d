import { appError } from '../../domain/errors';
import { assertAccountAccess, type Principal } from '../auth';
import type { ReadModel } from '../read-model';
import { changeView } from '../views';

/** Changes of subject as their owners and the service see them. */
export function buildChangeService(readModel: ReadModel) {
  return {
    async get(principal: Principal, id: string) {
      const row = await readModel.change(id);
      if (!row) throw appError('NOT_FOUND', 'No such change.');
      assertAccountAccess(principal, row.account_id, 'change');
      return changeView(row);
    },
    async list(principal: Principal, accountId: string, limit: number, cursor?: string) {
      assertAccountAccess(principal, accountId);
      const found = await readModel.changes(accountId, limit, cursor);
      return { items: found.items.map(changeView), nextCursor: found.nextCursor };
    },
  };
}

export type ChangeService = ReturnType<typeof buildChangeService>;
