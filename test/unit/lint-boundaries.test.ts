import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries eslint.config.mjs draws, run through ESLint's API on
 * snippets placed at real paths: only store/ (and the connection, migrations,
 * tests, scripts) may import knex, and the API reads process state only
 * through store/read-model.ts. Only the import rules run, without type
 * information, so this stays fast.
 */
const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: path.join(root, 'eslint.config.mjs'),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId.endsWith('no-restricted-imports'),
});

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const KNEX_TYPE = "import type { Knex } from 'knex';\nexport type Handle = Knex;\n";
const KNEX_VALUE = "import knex from 'knex';\nexport const make = knex;\n";
const PGLITE = "import ClientPgLite from 'knex-pglite';\nexport const client = ClientPgLite;\n";

describe('knex is imported only where SQL may be built', () => {
  it.each([
    ['api/app.ts', KNEX_TYPE],
    ['api/callbacks/routes.ts', KNEX_VALUE],
    ['activities/index.ts', KNEX_TYPE],
    ['adapters/sandbox/bank.ts', KNEX_TYPE],
    ['webhooks/dispatcher.ts', KNEX_VALUE],
    ['app/service.ts', KNEX_TYPE],
    ['platform/refunds.ts', PGLITE],
    ['domain/money.ts', KNEX_TYPE],
  ])('refuses it in %s', async (file, code) => {
    const errors = await importErrors(file, code);
    expect(errors.some((e) => e.startsWith('no-restricted-imports:') && e.includes('Only store/ builds SQL'))).toBe(true);
  });

  it.each([
    ['store/accounts.ts', KNEX_TYPE],
    ['store/sandbox/bank.ts', KNEX_TYPE],
    ['platform/db.ts', PGLITE],
    ['migrations/20261127_0001_foundation.ts', KNEX_TYPE],
    ['test/e2e/activities.test.ts', KNEX_VALUE],
    ['scripts/bench/scaled-out.ts', KNEX_VALUE],
  ])('allows it in %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});

describe('the API reads process state only through the read model', () => {
  it.each([
    ['api/verifications/service.ts', "import { openVerification } from '../../store/verifications';\nexport const f = openVerification;\n"],
    ['api/changes/routes.ts', "import { finishChange } from '../../store/changes';\nexport const f = finishChange;\n"],
    ['api/reviews/service.ts', "import * as reviews from '../../store/reviews';\nexport const f = reviews.decideReview;\n"],
    ['api/admin/routes.ts', "import { lockIdentity } from '../../store/identities';\nexport const f = lockIdentity;\n"],
    ['api/app.ts', "import { recordProgress } from '../store/processes';\nexport const f = recordProgress;\n"],
  ])('refuses a process write in %s', async (file, code) => {
    const errors = await importErrors(file, code);
    expect(errors.some((e) => e.startsWith('@typescript-eslint/no-restricted-imports:') && e.includes('store/read-model.ts'))).toBe(true);
  });

  it.each([
    ['api/changes/service.ts', "import type { ChangeRow } from '../../store/changes';\nexport type R = ChangeRow;\n"],
    ['api/app.ts', "import { createReadModel } from '../store/read-model';\nexport const f = createReadModel;\n"],
    ['api/admin/routes.ts', "import { setQuotaLimit } from '../../store/identities';\nexport const f = setQuotaLimit;\n"],
    ['api/app.ts', "import { openProcessCounts } from '../store/processes';\nexport const f = openProcessCounts;\n"],
    ['api/uploads/service.ts', "import { insertUpload } from '../../store/uploads';\nexport const f = insertUpload;\n"],
    ['activities/index.ts', "import { openVerification } from '../store/verifications';\nexport const f = openVerification;\n"],
  ])('allows %s its own reads and writes', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});

const refusedByLayers = (errors: string[]) => errors.some((e) => e.startsWith('@typescript-eslint/no-restricted-imports:'));

describe('the layers: which folder may import which', () => {
  it.each([
    ['worker/webhook-worker.ts', "import { buildApp } from '../api/app';\nexport const f = buildApp;\n", 'a worker serves no HTTP route'],
    ['webhooks/dispatcher.ts', "import { buildApp } from '../api/app';\nexport const f = buildApp;\n", 'webhooks serve worker and API alike'],
    ['api/verifications/service.ts', "import { createActivities } from '../../activities';\nexport const f = createActivities;\n", 'the API never runs activities'],
    ['api/changes/service.ts', "import { createWorker } from '../../worker/create-worker';\nexport const f = createWorker;\n", 'the API never runs a worker'],
    ['api/app.ts', "import { run } from '../app/launch';\nexport const f = run;\n", 'only entry points import the composition root'],
    ['activities/enterprise.ts', "import { buildApp } from '../api/app';\nexport const f = buildApp;\n", 'activities serve workflows, not the API'],
    ['activities/enterprise.ts', "import { publicRemittance } from '../workflows/verification/public-remittance';\nexport const f = publicRemittance;\n", "a workflow's code, outside workflows/"],
    ['api/reviews/service.ts', "import { ReviewRound } from '../../workflows/kernel/review-round';\nexport const f = ReviewRound;\n", "a workflow's code, outside workflows/"],
    ['domain/money.ts', "import { newId } from '../platform/ids';\nexport const f = newId;\n", 'domain is pure'],
    ['contracts/account.ts', "import { timestamp } from '../views/time';\nexport const f = timestamp;\n", 'contracts build on domain only'],
    ['platform/refunds.ts', "import { markRefunding } from '../store/ledger';\nexport const f = markRefunding;\n", 'platform knows no aggregate'],
    ['store/ledger.ts', "import { WorkflowTypes } from '../workflows/messages';\nexport const f = WorkflowTypes;\n", 'store takes only types from workflows'],
    ['views/verification.ts', "import { appError } from '../api/http/problem';\nexport const f = appError;\n", 'views are below the API'],
    ['workflows/verification/recharge.ts', "import { createActivities } from '../../activities';\nexport const f = createActivities;\n", 'workflows reach activities through proxyActivities'],
    ['workflows/kernel/wait.ts', "import { recordProgress } from '../../store/processes';\nexport const f = recordProgress;\n", 'workflows run in the sandbox'],
    ['api/verifications/service.ts', "import { SandboxBank } from '../../adapters/sandbox/bank';\nexport const f = SandboxBank;\n", 'sandbox code in production'],
    ['activities/enterprise.ts', "import { SandboxBank } from '../adapters/sandbox/bank';\nexport const f = SandboxBank;\n", 'sandbox code in production'],
    ['adapters/storage.ts', "import { SandboxBank } from './sandbox/bank';\nexport const f = SandboxBank;\n", 'sandbox code in production'],
    ['scripts/bench/index.ts', "import { api } from '../../test/support/http';\nexport const f = api;\n", 'scripts never import tests'],
    ['migrations/20261127_0001_foundation.ts', "import { createDb } from '../platform/db';\nexport const f = createDb;\n", 'a migration stands alone'],
    ['clients/typescript/src/index.ts', "import type { Verification } from '../../../contracts/verification';\nexport type V = Verification;\n", 'clients reach the service over HTTP only'],
  ])('refuses in %s: %s', async (file, code) => {
    expect(refusedByLayers(await importErrors(file, code))).toBe(true);
  });

  it.each([
    ['api/main.ts', "import { launch } from '../app/launch';\nexport const f = launch;\n"],
    ['worker/main.ts', "import { launch } from '../app/launch';\nexport const f = launch;\n"],
    ['app/service.ts', "import { createSandboxProviders } from '../adapters/sandbox';\nexport const f = createSandboxProviders;\n"],
    ['api/sandbox/bank.ts', "import { SandboxBank } from '../../adapters/sandbox/bank';\nexport const f = SandboxBank;\n"],
    ['api/callbacks/routes.ts', "import { providerEventSignal } from '../../workflows/messages';\nexport const f = providerEventSignal;\n"],
    ['store/ledger.ts', "import type { ProviderEvent } from '../workflows/messages';\nexport type E = ProviderEvent;\n"],
    ['workflows/verification/recharge.ts', "import type { Activities } from '../../activities';\nexport type A = Activities;\n"],
    ['webhooks/dispatcher.ts', "import { webhookObject } from './payloads';\nexport const f = webhookObject;\n"],
    ['worker/create-worker.ts', "import { createActivities } from '../activities';\nexport const f = createActivities;\n"],
    ['views/account.ts', "import type { AccountRow } from '../store/accounts';\nexport type R = AccountRow;\n"],
    ['clients/typescript/src/index.ts', "import type { paths } from './schema.js';\nexport type P = paths;\n"],
  ])('allows in %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});
