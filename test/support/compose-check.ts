import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

/**
 * Checks of docker-compose.yml that need no Docker: the Compose Specification's
 * JSON schema (as shipped by the `dclint` package, pinned in package.json),
 * then this project's own rules for the topology. Each function returns the
 * problems found, so a test can show that a broken file is caught.
 */

export interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  container_name?: string;
  ports?: (string | { published?: string | number })[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
  [key: string]: unknown;
}
export interface Compose {
  services: Record<string, Service>;
  [key: string]: unknown;
}

export interface ProjectFacts {
  repoRoot: string;
  /** Service names the README's compose section names. */
  readmeServices: string[];
  scripts: Record<string, string>;
  /** Top-level folders tsconfig.build.json compiles. */
  buildIncludes: string[];
  searchAttributes: { name: string; type: string }[];
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, $VAR and $$. */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (bare) return env[bare] ?? '';
    const set = name! in env && (colon ? env[name!] !== '' : true);
    if (set) return env[name!]!;
    if (op === '?') throw new Error(`required variable ${name} is not set: ${arg}`);
    return op === '-' ? arg! : '';
  });
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

/** The file as Compose sees it with nothing set in the environment (every default applies), and as written. */
export function loadCompose(text: string, env: Record<string, string> = {}): { raw: Compose; doc: Compose } {
  const raw = parse(text, { merge: true }) as Compose;
  return { raw, doc: mapStrings(raw, (s) => interpolate(s, env)) as Compose };
}

let validate: ReturnType<Ajv['compile']> | undefined;

export function schemaProblems(doc: unknown, repoRoot: string): string[] {
  if (!validate) {
    const dir = path.dirname(createRequire(path.join(repoRoot, 'package.json')).resolve('dclint/package.json'));
    const schema = JSON.parse(readFileSync(path.join(dir, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
    delete schema.$schema; // draft-07, Ajv's default; it names it by an https URL Ajv does not know
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `schema: ${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(' ') : []);
const envOf = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
const dependsOf = (s: Service): [string, string | undefined][] =>
  Array.isArray(s.depends_on) ? s.depends_on.map((d) => [d, undefined]) : Object.entries(s.depends_on ?? {}).map(([d, o]) => [d, o?.condition]);
const hostPort = (p: string | { published?: string | number }): string | undefined => {
  if (typeof p !== 'string') return p.published === undefined ? undefined : String(p.published);
  const parts = p.split(':');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
};
const SECRET_NAME = /PASSWORD|PWD|SECRET|_KEY$|TOKEN/;

/** This project's rules: the services the README promises, scalable workers, health-gated start-up, compiled commands. */
export function topologyProblems({ raw, doc }: { raw: Compose; doc: Compose }, facts: ProjectFacts): string[] {
  const problems: string[] = [];
  const services = doc.services ?? {};
  const names = Object.keys(services);

  for (const name of facts.readmeServices) if (!services[name]) problems.push(`${name}: named in the README but not in the compose file`);

  const oneShots = new Set(names.flatMap((n) => dependsOf(services[n]!).filter(([, c]) => c === 'service_completed_successfully').map(([d]) => d)));
  for (const [name, s] of Object.entries(services)) {
    for (const [dep, condition] of dependsOf(s)) {
      if (!services[dep]) problems.push(`${name}: depends on ${dep}, which is not a service`);
      if (condition !== 'service_healthy' && condition !== 'service_completed_successfully') {
        problems.push(`${name}: depends on ${dep} without service_healthy or service_completed_successfully`);
      }
      if (condition === 'service_healthy' && !services[dep]?.healthcheck?.test) problems.push(`${name}: waits for ${dep} to be healthy, which has no healthcheck`);
    }
    if (!oneShots.has(name) && (!s.healthcheck?.test || s.healthcheck.disable)) problems.push(`${name}: a long-running service without a healthcheck`);
    if (s.image && !s.build && (!/:[\w.-]+$/.test(s.image) || s.image.endsWith(':latest'))) problems.push(`${name}: image ${s.image} is not pinned to a tag`);
    for (const v of s.volumes ?? []) {
      const source = typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '');
      if (source.startsWith('.') && !existsSync(path.join(facts.repoRoot, source))) problems.push(`${name}: mounts ${source}, which does not exist`);
    }
    for (const [key, value] of Object.entries(envOf(raw.services?.[name] ?? {}))) {
      if (SECRET_NAME.test(key) && value !== '' && !value.startsWith('${')) problems.push(`${name}: ${key} is written in the file; take it from .env`);
    }
  }

  const worker = services.worker;
  if (worker) {
    if (worker.container_name) problems.push('worker: container_name stops --scale worker=3');
    if ((worker.ports ?? []).some((p) => hostPort(p))) problems.push('worker: a fixed host port stops --scale worker=3');
  } else problems.push('worker: missing');

  // Our image runs the compiled build, like the package's *:prod scripts; tsx is a development tool.
  const prodCommands = new Map(Object.entries(facts.scripts).filter(([k]) => k.endsWith(':prod')).map(([k, v]) => [v, k]));
  for (const [name, s] of Object.entries(services).filter(([, s]) => s.build)) {
    const command = asList(s.command).join(' ');
    if (!prodCommands.has(command)) problems.push(`${name}: command "${command}" is none of the package's *:prod scripts`);
    for (const part of [...asList(s.command), ...asList(s.healthcheck?.test)]) {
      if (/^dist\/.+\.js$/.test(part)) {
        const source = part.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        if (!existsSync(path.join(facts.repoRoot, source)) || !facts.buildIncludes.includes(source.split('/')[0]!)) problems.push(`${name}: ${part} is not built from ${source}`);
      }
      if (/\btsx\b|\.ts$/.test(part)) problems.push(`${name}: runs TypeScript (${part}) at run time`);
    }
  }

  const registered = envOf(services['temporal-search-attributes'] ?? {}).SEARCH_ATTRIBUTES ?? '';
  const wanted = facts.searchAttributes.map((sa) => `${sa.name}=${sa.type}`);
  if ([...registered.split(/\s+/).filter(Boolean)].sort().join(' ') !== [...wanted].sort().join(' ')) {
    problems.push(`temporal-search-attributes: registers "${registered}", the workflows use "${wanted.join(' ')}"`);
  }

  const ui = services['temporal-ui'];
  const api = services.api;
  if (ui && api) {
    const apiEnv = envOf(api);
    const codec = envOf(ui).TEMPORAL_CODEC_ENDPOINT;
    if (codec !== `${apiEnv.PUBLIC_BASE_URL}/codec`) problems.push(`temporal-ui: TEMPORAL_CODEC_ENDPOINT ${codec} is not the API's ${apiEnv.PUBLIC_BASE_URL}/codec`);
    const uiPort = (ui.ports ?? []).map(hostPort).find(Boolean);
    const origins = (apiEnv.TEMPORAL_UI_ORIGIN ?? '').split(',');
    if (!uiPort || !origins.includes(`http://localhost:${uiPort}`)) problems.push(`api: TEMPORAL_UI_ORIGIN ${origins.join(',')} does not answer the UI at http://localhost:${uiPort}`);
    const apiPort = (api.ports ?? []).map(hostPort).find(Boolean);
    if (apiEnv.PUBLIC_BASE_URL !== `http://localhost:${apiPort}`) problems.push(`api: PUBLIC_BASE_URL ${apiEnv.PUBLIC_BASE_URL} is not its published port ${apiPort}`);
  }

  const temporal = services.temporal;
  const dynamicConfig = temporal && envOf(temporal).DYNAMIC_CONFIG_FILE_PATH;
  if (dynamicConfig) {
    const mount = (temporal.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target])).find(([, t]) => t && path.posix.join('/etc/temporal', dynamicConfig).startsWith(t));
    const file = mount && path.join(facts.repoRoot, mount[0]!, path.posix.relative(mount[1]!, path.posix.join('/etc/temporal', dynamicConfig)));
    if (!file || !existsSync(file)) problems.push(`temporal: DYNAMIC_CONFIG_FILE_PATH ${dynamicConfig} is not in a mounted folder of this repository`);
  }
  return problems;
}

/** The Dockerfile: a build stage, then a runtime with production dependencies and dist/ only, running node dist/…. */
export function dockerfileProblems(text: string, facts: ProjectFacts): string[] {
  const problems: string[] = [];
  const stages = text.split(/^FROM /m).slice(1);
  if (stages.length < 2) problems.push('Dockerfile: not multi-stage');
  const runtime = stages.at(-1) ?? '';
  const build = stages.slice(0, -1).join('\n');
  if (!/npm ci --omit=dev/.test(runtime)) problems.push('Dockerfile: the runtime stage installs more than production dependencies');
  if (!/^COPY --from=\S+ \/app\/dist dist$/m.test(runtime)) problems.push('Dockerfile: the runtime stage does not take dist/ from the build');
  if (/^COPY (?!--from)(?!package)/m.test(runtime)) problems.push('Dockerfile: the runtime stage copies sources');
  if (!/^RUN npm run build$/m.test(build)) problems.push('Dockerfile: no stage runs npm run build');
  const copied = [...build.matchAll(/^COPY (\S+) \1$/gm)].map((m) => m[1]!);
  for (const dir of facts.buildIncludes) if (!copied.includes(dir)) problems.push(`Dockerfile: the build stage does not copy ${dir}/, which tsconfig.build.json compiles`);
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  const command = cmd ? (JSON.parse(cmd) as string[]).join(' ') : '';
  if (command !== facts.scripts['api:prod']) problems.push(`Dockerfile: CMD "${command}" is not api:prod`);
  return problems;
}
