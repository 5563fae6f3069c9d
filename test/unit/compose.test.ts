import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../platform/tools';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { IMAGE_RUNTIME_ENV } from '../../scripts/bench/image-env';
import { dockerfileProblems, interpolate, loadCompose, schemaProblems, topologyProblems, type Compose, type ProjectFacts } from '../support/compose-check';

/**
 * docker-compose.yml and the Dockerfile, checked without Docker: the Compose
 * Specification's JSON schema, then the topology the README describes. Each
 * rule is shown to catch a broken copy of the file.
 */
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const composeText = read('docker-compose.yml');
const readme = read('README.md');
const composeSection = readme.slice(readme.indexOf('## Docker Compose'), readme.indexOf('\n## ', readme.indexOf('## Docker Compose') + 1));
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const buildConfig = JSON.parse(read('tsconfig.build.json')) as { include: string[] };

const facts: ProjectFacts = {
  repoRoot: REPO_ROOT,
  readmeServices: [...composeSection.matchAll(/^\| `([a-z][a-z0-9-]*)`/gm)].map((m) => m[1]!),
  scripts: pkg.scripts,
  buildIncludes: buildConfig.include,
  searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
};

function problemsOf(text: string): string[] {
  const loaded = loadCompose(text);
  return [...schemaProblems(loaded.doc, REPO_ROOT), ...topologyProblems(loaded, facts)];
}

/** Edits the parsed file (as written, before interpolation) and checks the result. */
function problemsAfter(edit: (c: Compose) => void): string[] {
  const { raw } = loadCompose(composeText);
  edit(raw);
  return problemsOf(JSON.stringify(raw)); // JSON is YAML
}

describe('docker-compose.yml', () => {
  it('names in the README the services it runs', () => {
    expect(facts.readmeServices).toEqual(expect.arrayContaining(['temporal', 'temporal-ui', 'temporal-postgresql', 'postgres', 'migrate', 'api', 'worker']));
  });

  it('is valid against the Compose Specification and passes the topology checks', () => {
    expect(problemsOf(composeText)).toEqual([]);
  });

  it('is still valid with every setting of .env.example given', () => {
    const settings = Object.fromEntries([...read('.env.example').matchAll(/^# ([A-Z_]+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
    expect(settings).toMatchObject({ POSTGRES_PASSWORD: expect.any(String), API_PORT: expect.any(String) });
    const loaded = loadCompose(composeText, { ...settings, API_PORT: '3100', TEMPORAL_UI_PORT: '8180' });
    expect([...schemaProblems(loaded.doc, REPO_ROOT), ...topologyProblems(loaded, facts)]).toEqual([]);
    expect(loaded.doc.services['temporal-ui']?.environment).toMatchObject({ TEMPORAL_CODEC_ENDPOINT: 'http://localhost:3100/codec' });
  });

  it.each([
    ['a misspelt key', (c: Compose) => void (c.services.api!.healthchek = c.services.api!.healthcheck), /schema: \/services\/api .*\(healthchek\)/],
    ['a command that is not a list or string', (c: Compose) => void (c.services.migrate!.command = { run: 'x' } as never), /schema: \/services\/migrate\/command/],
    ['a worker with a container_name', (c: Compose) => void (c.services.worker!.container_name = 'worker'), /worker: container_name stops --scale/],
    ['a worker with a host port', (c: Compose) => void (c.services.worker!.ports = ['9464:9464']), /worker: a fixed host port/],
    ['the Temporal server without its healthcheck', (c: Compose) => void delete c.services.temporal!.healthcheck, /waits for temporal to be healthy, which has no healthcheck/],
    ['the worker without its healthcheck', (c: Compose) => void delete c.services.worker!.healthcheck, /worker: a long-running service without a healthcheck/],
    ['a dependency on a missing service', (c: Compose) => void ((c.services.api!.depends_on as Record<string, object>).redis = { condition: 'service_healthy' }), /api: depends on redis, which is not a service/],
    ['a dependency without a condition', (c: Compose) => void (c.services.worker!.depends_on = ['migrate']), /worker: depends on migrate without service_healthy/],
    ['the API run through tsx', (c: Compose) => void (c.services.api!.command = ['npx', 'tsx', 'api/main.ts']), /api: command "npx tsx api\/main.ts" is none of the package's \*:prod scripts/],
    ['a worker command that is not built', (c: Compose) => void (c.services.worker!.command = ['node', 'dist/worker/missing.js']), /worker: dist\/worker\/missing.js is not built/],
    ['a search attribute left out', (c: Compose) => void (c.services['temporal-search-attributes']!.environment = { SEARCH_ATTRIBUTES: 'AccountId=Keyword' }), /temporal-search-attributes: registers/],
    ['a codec endpoint that is not the API', (c: Compose) => void ((c.services['temporal-ui']!.environment as Record<string, string>).TEMPORAL_CODEC_ENDPOINT = 'http://api:3000/codec'), /TEMPORAL_CODEC_ENDPOINT/],
    ['a password written in the file', (c: Compose) => void ((c.services.postgres!.environment as Record<string, string>).POSTGRES_PASSWORD = 'hunter2'), /postgres: POSTGRES_PASSWORD is written in the file/],
    ['an unpinned image', (c: Compose) => void (c.services['temporal-ui']!.image = 'temporalio/ui:latest'), /temporal-ui: image temporalio\/ui:latest is not pinned/],
    ['a mount of a missing folder', (c: Compose) => void (c.services['temporal-admin-tools']!.volumes = ['./deploy/nothing:/scripts:ro']), /mounts .\/deploy\/nothing, which does not exist/],
    ['a service the README names removed', (c: Compose) => void delete c.services['temporal-ui'], /temporal-ui: named in the README/],
  ])('catches %s', (_what, edit, expected) => {
    expect(problemsAfter(edit).join('\n')).toMatch(expected);
  });

  it('catches a file that is not YAML', () => {
    expect(() => problemsOf(composeText.replace('services:', 'services: [\n'))).toThrow();
  });

  it('interpolates like Compose', () => {
    const env = { SET: 'a', EMPTY: '' };
    expect(interpolate('${SET:-x} ${EMPTY:-x} ${EMPTY-x} ${UNSET-x} ${UNSET} $SET $$SET', env)).toBe('a x  x  a $SET');
    expect(() => interpolate('${UNSET:?needed}', env)).toThrow(/UNSET/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs the compiled API with production dependencies only in the next', () => {
    expect(dockerfileProblems(dockerfile, facts)).toEqual([]);
  });

  it('sets in its runtime what the soak runs the worker with (scripts/bench/image-env.ts)', () => {
    const runtime = dockerfile.split(/^FROM /m).at(-1)!;
    const set = Object.fromEntries([...runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(IMAGE_RUNTIME_ENV).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(IMAGE_RUNTIME_ENV)) expect(set[name], name).toBe(value);
  });

  it.each([
    ['a single stage', (d: string) => d.replace(/FROM node:20-bookworm-slim AS runtime[\s\S]*/, 'CMD ["node", "dist/api/main.js"]\n'), /not multi-stage/],
    ['dev dependencies in the runtime', (d: string) => d.replace('npm ci --omit=dev', 'npm ci'), /more than production dependencies/],
    ['tsx at run time', (d: string) => d.replace('CMD ["node", "dist/api/main.js"]', 'CMD ["npx", "tsx", "api/main.ts"]'), /CMD "npx tsx api\/main.ts" is not api:prod/],
    ['a compiled folder not copied', (d: string) => d.replace('COPY adapters adapters\n', ''), /does not copy adapters\//],
    ['sources in the runtime', (d: string) => d.replace('COPY --from=build /app/dist dist', 'COPY --from=build /app/dist dist\nCOPY api api'), /runtime stage copies sources/],
  ])('catches %s', (_what, edit, expected) => {
    expect(dockerfileProblems(edit(dockerfile), facts).join('\n')).toMatch(expected);
  });
});

describe('the production build', () => {
  it('compiles (and the image copies) every top-level folder of the service’s TypeScript: nothing the code imports is left out', () => {
    // clients/: packages of their own (the typed client), which the service never imports (LAYERS in eslint.config.mjs).
    const skipped = new Set(['test', 'clients', 'node_modules', 'dist', 'data', 'deploy', 'docs', 'coverage', 'bench-results', 'test-artifacts']);
    const folders = readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !skipped.has(d.name))
      .filter((d) => readdirSync(path.join(REPO_ROOT, d.name), { recursive: true }).some((f) => String(f).endsWith('.ts')))
      .map((d) => d.name);
    expect([...buildConfig.include].sort()).toEqual(folders.sort());
  });
});
