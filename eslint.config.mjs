import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Workflow code runs in Temporal's deterministic sandbox, and domain/ is imported by it.
const deterministicImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code must be deterministic: no Node built-ins.' })),
    ...['knex', 'pg', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
      name,
      message: 'Side effects belong in activities; workflows reach them through proxyActivities.',
    })),
  ],
  patterns: [
    { group: ['../activities', '../activities/*', '../api/*', '../adapters/*', '../platform/*'], message: 'Only types may be imported from here.', allowTypeImports: true },
  ],
};

// Only store/ builds SQL (one module per aggregate); besides it, the connection (platform/db.ts), the schema (migrations/), tests and scripts.
const KNEX_ALLOWED = ['store/**', 'migrations/**', 'platform/db.ts', 'test/**', 'scripts/**'];
const knexOnlyInStore = {
  patterns: [
    {
      group: ['knex', 'knex/*', 'knex-*'],
      message: 'Only store/ builds SQL: call a named store function; code that needs a database handle takes the Db type of platform/db.ts.',
    },
  ],
};

// The API reads process state (verifications, changes, reviews, the account's subject, quota bindings) through
// store/read-model.ts; only activities write it. Its own aggregates' store modules it uses freely.
const processStateReadOnly = [
  { regex: '^(\\.\\./)+store/(accounts|changes|reviews|subject-switch|verifications)$', allowTypeImports: true, message: 'The API reads process state through store/read-model.ts; only activities write it.' },
  { regex: '^(\\.\\./)+store/identities$', allowImportNames: ['setQuotaLimit'], allowTypeImports: true, message: 'The API reads quota bindings through store/read-model.ts; only activities write them.' },
  { regex: '^(\\.\\./)+store/processes$', allowImportNames: ['openProcessCounts'], allowTypeImports: true, message: 'The API reads processes through store/read-model.ts; only activities write them.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'off',
      // Async implementations of async interfaces need not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript that runs before node_modules exist (scripts/ensure-setup.mjs): no type information.
    files: ['scripts/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { parserOptions: { projectService: false }, globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', deterministicImports],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'process', 'Buffer', 'require', 'fetch'].map((name) => ({
          name,
          message: 'Not deterministic: use the workflow APIs (sleep, condition) or an activity.',
        })),
      ],
    },
  },
  {
    // domain/ is pure: the current time is always a parameter.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Pass the time in as a parameter.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in as a parameter.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Pass randomness in as a parameter.' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: KNEX_ALLOWED,
    rules: { 'no-restricted-imports': ['error', knexOnlyInStore] },
  },
  {
    // The API reaches workflows only through their message definitions (workflows/messages.ts, change-messages.ts) and the Temporal client.
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+workflows/(?!(change-)?messages$)', message: 'Import workflow definitions from workflows/messages.ts or change-messages.ts only.' },
            ...processStateReadOnly,
          ],
        },
      ],
    },
  },
  {
    // Benchmarks and tools share helpers with the tests through scripts/lib, never by reaching into test/.
    files: ['scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+test/', message: 'Scripts never import tests: share a helper through scripts/lib.' }] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The reviewer console (api/console/static): plain ES modules the browser loads as they are, no type information.
    files: ['api/console/static/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: false },
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'Node', 'TextDecoder', 'atob'].map((name) => [name, 'readonly']),
      ),
    },
  },
  { files: ['eslint.config.mjs'], ...tseslint.configs.disableTypeChecked },
);
