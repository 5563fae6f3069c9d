import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

const HISTORIES = path.resolve(__dirname, '../workflow/histories');

/**
 * `npm run record-histories` saves a run's history as a fixture
 * (test/workflow/histories/<name>.json); replay.test.ts replays every fixture
 * against today's workflow code, so a change that breaks running workflows
 * fails CI (use `patched()` for such changes). Without RECORD_HISTORIES, nothing.
 * RECORD_HISTORIES=<tag> (not `1`) keeps the earlier fixtures and saves
 * <name>@<tag>.json beside them: the histories of a new workflow version.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const tag = process.env.RECORD_HISTORIES;
  if (!tag) return;
  if (tag !== '1') name = `${name}@${tag}`;
  // The workflow id is part of the run (idempotency keys derive from it): replay under the same one.
  const history = JSON.parse(historyToJSON(await handle.fetchHistory())) as unknown;
  writeFileSync(path.join(HISTORIES, `${name}.json`), JSON.stringify({ workflowId: handle.workflowId, history }) + '\n');
}
