import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, installQuietRuntime } from '../support/temporal-test-env';

/**
 * Histories recorded from earlier versions of the workflows must replay on the
 * current code: running workflows would otherwise fail after a deploy.
 * Record new fixtures with `npm run record-histories`; never delete old ones
 * while runs of that version may still be open.
 */
const dir = path.join(__dirname, 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows();
});

describe('replaying recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures)('%s replays deterministically', async (file) => {
    // Replayed under its original workflow id: idempotency keys and references derive from it.
    const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { workflowId: string; history: unknown };
    await Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(fixture.history), fixture.workflowId);
  });
});
