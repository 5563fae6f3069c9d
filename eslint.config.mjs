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
  { regex: '^(\\.\\./)+store/(accounts|changes|lookups|reviews|subject-switch|verifications)$', allowTypeImports: true, message: 'The API reads process state through store/read-model.ts; only activities write it.' },
  { regex: '^(\\.\\./)+store/identities$', allowImportNames: ['setQuotaLimit'], allowTypeImports: true, message: 'The API reads quota bindings through store/read-model.ts; only activities write them.' },
  { regex: '^(\\.\\./)+store/processes$', allowImportNames: ['openProcessCounts'], allowTypeImports: true, message: 'The API reads processes through store/read-model.ts; only activities write them.' },
];

/**
 * The layers: which top-level folder may import which (README "Layout" draws this). `uses`: values and types;
 * `types`: types only. Anything else is refused, with the layer's reason. app/ is the composition root: it wires
 * everything and nothing imports it but the process entry points (api/main.ts, worker/main.ts).
 */
const FOLDERS = ['clients', 'app', 'api', 'worker', 'activities', 'workflows', 'webhooks', 'views', 'store', 'adapters', 'platform', 'contracts', 'domain', 'migrations', 'scripts', 'test'];
export const LAYERS = {
  domain: { uses: [], types: [], why: 'domain/ is pure rules: it imports nothing of the service.' },
  contracts: { uses: ['domain'], types: [], why: 'contracts/ are the user-visible shapes, built from domain/ constants only.' },
  migrations: { uses: ['domain'], types: [], why: 'A migration is the schema at one point in time: it stands alone.' },
  platform: { uses: ['domain', 'migrations', 'workflows'], types: [], why: 'platform/ is infrastructure (connections, crypto, config, Temporal): it knows no aggregate, route or activity.' },
  store: { uses: ['domain', 'platform'], types: ['contracts', 'workflows', 'adapters'], why: 'store/ is SQL over the tables: it calls no provider, workflow or route.' },
  views: { uses: ['domain', 'contracts'], types: ['platform', 'store'], why: 'views/ turn rows into resources: pure functions over store rows.' },
  adapters: { uses: ['domain', 'platform', 'store'], types: [], why: 'adapters/ are the providers: they know nothing of the processes that call them.' },
  webhooks: { uses: ['domain', 'platform', 'store', 'views', 'adapters', 'workflows'], types: ['contracts'], why: 'webhooks/ (payloads, dispatcher, targets) serve the worker and the API alike, so they import neither.' },
  workflows: { uses: ['domain', 'contracts'], types: ['activities'], why: 'Workflow code runs in the deterministic sandbox: side effects are activities, reached through proxyActivities.' },
  activities: { uses: ['domain', 'contracts', 'platform', 'store', 'adapters', 'webhooks', 'views', 'workflows'], types: [], why: 'Activities are the workers side effects: they serve workflows, not the API.' },
  api: { uses: ['domain', 'contracts', 'platform', 'store', 'views', 'adapters', 'webhooks', 'workflows'], types: [], why: 'The API starts and signals workflows through the Temporal client: it never runs activities or worker code.' },
  worker: { uses: ['domain', 'platform', 'store', 'adapters', 'webhooks', 'activities', 'workflows'], types: [], why: 'A worker runs workflows and activities: it serves no HTTP route.' },
  app: { uses: ['api', 'worker', 'activities', 'webhooks', 'store', 'adapters', 'platform', 'domain', 'contracts', 'views', 'workflows', 'migrations'], types: [], why: 'app/ is the composition root.' },
  clients: { uses: [], types: [], why: 'clients/ are packages of their own (the typed client): they reach the service over HTTP only.' },
  scripts: { uses: FOLDERS.filter((f) => f !== 'test' && f !== 'scripts'), types: [], why: 'Scripts never import tests: share a helper through scripts/lib.' },
};
/** Files that may import app/: the process entry points. */
const ENTRY_POINTS = ['api/main.ts', 'worker/main.ts'];
/** Outside workflows/, only their message definitions (names, updates, signals, search attributes): never a workflow's code. */
const WORKFLOW_SURFACE = '(messages|[a-z]+-messages|kernel/correlation-header)';
/** The sandbox providers' own sides: for the composition root, the sandbox routes, tests and scripts only. */
const SANDBOX_USERS = ['app', 'api/sandbox', 'adapters/sandbox', 'scripts', 'test'];

const up = (depth) => '\\.\\./'.repeat(depth);
/** The import patterns refused in a file `depth` folders below the root, inside top-level `folder`. */
function refusedImports(folder, depth, sub) {
  const layer = LAYERS[folder];
  const others = FOLDERS.filter((f) => f !== folder && !layer.uses.includes(f));
  const valueOnly = others.filter((f) => layer.types.includes(f));
  const none = others.filter((f) => !layer.types.includes(f));
  const patterns = [];
  if (none.length) patterns.push({ regex: `^${up(depth)}(${none.join('|')})(/|$)`, message: layer.why });
  if (valueOnly.length) patterns.push({ regex: `^${up(depth)}(${valueOnly.join('|')})(/|$)`, allowTypeImports: true, message: `${layer.why} (types only from ${valueOnly.join(', ')})` });
  if (folder !== 'workflows' && layer.uses.includes('workflows')) {
    patterns.push({ regex: `^${up(depth)}workflows/(?!${WORKFLOW_SURFACE}$)`, message: 'Import workflow definitions from the workflows/*messages.ts modules only: a workflow\'s code runs in a worker.' });
  }
  if (!SANDBOX_USERS.includes(folder) && !SANDBOX_USERS.includes(`${folder}/${sub}`)) {
    patterns.push({ regex: `^${up(depth)}adapters/sandbox(/|$)`, message: 'Sandbox code is imported by nothing in production: the composition root (app/) and the sandbox routes (api/sandbox) only.' });
  }
  // The providers' interfaces (adapters/*.ts) never reach into the sandbox beside them.
  if (folder === 'adapters' && depth === 1) patterns.push({ regex: '^\\./sandbox(/|$)', message: 'Sandbox code is imported by nothing in production: the composition root (app/) and the sandbox routes (api/sandbox) only.' });
  if (folder === 'api') patterns.push(...processStateReadOnly.map((p) => ({ ...p, regex: p.regex.replace('(\\.\\./)+', up(depth)) })));
  return patterns;
}

/** The rule's options for one group of files: its refused patterns, and for sandboxed code the Node built-ins. */
const restrict = (folder, patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths: ['workflows', 'domain'].includes(folder) ? deterministicImports.paths : [], patterns }],
});

/**
 * One config entry per folder and depth (imports are relative, so the count of `../` tells where they land),
 * the sandbox subfolders and the entry points apart.
 */
function layerConfigs() {
  const configs = [];
  for (const folder of Object.keys(LAYERS)) {
    for (let depth = 1; depth <= 4; depth++) {
      const files = `${folder}/${'*/'.repeat(depth - 1)}*.ts`;
      const sandboxed = ['api', 'adapters'].includes(folder) && depth >= 2;
      configs.push({
        files: [files],
        ignores: [...(depth === 1 ? ENTRY_POINTS : []), ...(sandboxed ? [`${folder}/sandbox/**`] : [])],
        rules: restrict(folder, refusedImports(folder, depth, '')),
      });
      if (sandboxed) configs.push({ files: [`${folder}/sandbox/${'*/'.repeat(depth - 2)}*.ts`], rules: restrict(folder, refusedImports(folder, depth, 'sandbox')) });
    }
  }
  // The entry points start their process through app/launch.ts.
  for (const entry of ENTRY_POINTS) {
    const folder = entry.split('/')[0];
    const patterns = refusedImports(folder, 1, '').map((p) => ({ ...p, regex: p.regex.replace(/\bapp\|/, '').replace(/\|app\b/, '') }));
    configs.push({ files: [entry], rules: restrict(folder, patterns) });
  }
  return configs;
}

export default tseslint.config(
  // The typed client's types are generated (npm run client:generate) and type-checked, not linted.
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.tools/**', 'coverage/**', 'clients/typescript/src/schema.d.ts'] },
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
  // Which folder may import which (LAYERS above).
  ...layerConfigs(),
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
    // The reviewer console (api/console/static) and the hosted pages (api/pages/static): plain ES modules the browser
    // loads as they are, no type information.
    files: ['api/console/static/**/*.js', 'api/pages/static/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: false },
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'Node', 'TextDecoder', 'atob', 'history', 'FormData', 'HashChangeEvent'].map((name) => [name, 'readonly']),
      ),
    },
  },
  { files: ['eslint.config.mjs'], ...tseslint.configs.disableTypeChecked },
);
