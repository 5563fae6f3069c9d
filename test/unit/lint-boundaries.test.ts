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
