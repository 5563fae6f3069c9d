import { allHandlersFinished, condition, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { databaseWrites } from '../kernel/activities';
import { awaitClosureOpenedUpdate, type AccountClosureWorkflow, type ClosureOpened, type ClosureRef } from '../closure-messages';

const writes = databaseWrites<'openClosure' | 'eraseClosedAccountKeys' | 'deleteClosedAccountUploads' | 'eraseClosedAccountRecords' | 'completeClosure'>();

/**
 * An account's closure (SPEC §11), in order: open it (the refusals re-checked
 * under the account's lock; from then on the account opens no process), destroy
 * every data key of the account, delete its uploads' files, wipe what its rows
 * still hold outside those keys, then complete (audit and webhook
 * `account.closed`). Every step is idempotent: a run that crashed anywhere
 * resumes at the step it was in and does nothing twice.
 */
export const accountClosure: AccountClosureWorkflow = async (input) => {
  const answer: { opened?: ClosureOpened } = {};
  setHandler(awaitClosureOpenedUpdate, async () => {
    await condition(() => answer.opened !== undefined);
    return answer.opened!;
  });

  const { workflowId } = workflowInfo();
  const opened = await writes.openClosure({ ...input, workflowId });
  answer.opened = opened;
  if (!opened.opened) {
    await condition(allHandlersFinished);
    return { status: 'rejected', code: opened.code };
  }

  const closure: ClosureRef = { closureId: opened.closureId, accountId: input.accountId, workflowId };
  const keys = await writes.eraseClosedAccountKeys(closure);
  const files = await writes.deleteClosedAccountUploads(closure);
  const rows = await writes.eraseClosedAccountRecords(closure);
  await writes.completeClosure(closure);
  log.info('account closed', { closureId: closure.closureId, keys, files, rows });
  await condition(allHandlersFinished);
  return { status: 'completed', closureId: closure.closureId };
};
