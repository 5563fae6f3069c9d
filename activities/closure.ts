import { log } from '@temporalio/activity';
import type { FileStorage } from '../adapters/types';
import type { ProcessKeys } from '../platform/data-keys';
import type { Db } from '../platform/db';
import { accountById } from '../store/accounts';
import { eraseAccountRecords, uploadFilesOf, type ErasureCounts } from '../store/account-erasure';
import { completeClosure, openClosure } from '../store/closures';
import { dataKeyProcessesOf } from '../store/data-keys';
import { accountView } from '../views/account';
import type { ClosureInput, ClosureOpened, ClosureRef } from '../workflows/closure-messages';

/** Who destroyed a key, as data_keys records it. */
const ERASED_BY = 'closure';

/** The closure workflow's steps (workflows/account/closure.ts): each idempotent, so a retried or resumed step does nothing twice. */
export function createClosureActivities(deps: { db: Db; keys: ProcessKeys; storage: FileStorage }) {
  const { db } = deps;
  return {
    async openClosure(args: ClosureInput & { workflowId: string }): Promise<ClosureOpened> {
      const opened = await openClosure(db, args);
      if (!opened.opened) log.info('closure refused at open', { code: opened.code });
      return opened;
    },

    /** Every data key of the account's processes: what they sealed, wherever it is copied, reads `[erased]` from now on. */
    async eraseClosedAccountKeys(closure: ClosureRef): Promise<{ keys: number }> {
      return { keys: await deps.keys.erase(await dataKeyProcessesOf(db, closure.accountId), ERASED_BY) };
    },

    /** The uploads' files (their rows are wiped by the next step, so a crash in between deletes again: deleting is idempotent). */
    async deleteClosedAccountUploads(closure: ClosureRef): Promise<{ files: number }> {
      const files = await uploadFilesOf(db, closure.accountId);
      for (const key of files) await deps.storage.delete(key);
      return { files: files.length };
    },

    async eraseClosedAccountRecords(closure: ClosureRef): Promise<ErasureCounts> {
      return eraseAccountRecords(db, closure.accountId);
    },

    async completeClosure(closure: ClosureRef): Promise<void> {
      const account = await accountById(db, closure.accountId);
      const view = accountView(closure.accountId, account, 0, await deps.keys.readerFor(account?.subject));
      await completeClosure(db, { ...closure, accountView: view });
    },
  };
}
