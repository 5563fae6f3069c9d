// `npm run bench:profile`: where one verification's SQL goes. Starts `npm start` on a temporary DATA_DIR, warms it
// up, turns on PostgreSQL's statement log (log_statement=all, each line prefixed with its time and the process's
// application_name), drives PROFILE_N (20) WeChat QR verifications one at a time through the API and the sandbox,
// timing each phase the client sees (start, scan, the GETs until verified), then counts the statements each process
// sent per verification, by phase and by statement shape. The statement log costs time: phase timings here are for
// proportions, not for throughput (that is `npm run bench`). Writes bench-results/profile-*.json.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { idNumberFor, startEmbedded, verifyOnce, type EmbeddedService } from './service-load';
import { envInt, summarize, writeReport } from './stats';

const AUTH = { authorization: 'Bearer dev-service-key', 'content-type': 'application/json' };
type Phase = 'start' | 'scan' | 'poll';
interface Window {
  phase: Phase;
  from: number;
  to: number;
}

function adminUrl(service: EmbeddedService): string {
  const port = /Database +embedded PostgreSQL 127\.0\.0\.1:(\d+)/.exec(service.service.logTail(400))?.[1];
  if (!port) throw new Error('no embedded PostgreSQL in the banner (is DATABASE_URL set?)');
  const secret = readFileSync(path.join(service.dataDir, 'postgres.secret'), 'utf8').trim();
  return `postgres://realname:${encodeURIComponent(secret)}@127.0.0.1:${port}/realname`;
}

async function sql(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function timed<T>(windows: Window[], phase: Phase, work: () => Promise<T>): Promise<T> {
  const from = Date.now();
  try {
    return await work();
  } finally {
    windows.push({ phase, from, to: Date.now() + 1 });
  }
}

interface View {
  id: string;
  status: string;
  nextAction: { ticket: string };
}

async function call(base: string, method: string, url: string, body?: unknown): Promise<View> {
  const res = await fetch(`${base}${url}`, { method, headers: AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as View;
}

/** One verification, each phase timed: the start, the scan (the sandbox answers once the workflow acted), the GETs. */
async function profiledVerification(base: string, i: number, salt: number, windows: Window[]): Promise<number> {
  const idNumber = idNumberFor(i, salt);
  const realName = '张三';
  const body = { subjectType: 'individual', method: 'wechat_qr', individual: { realName, idType: 'mainland_id', idNumber, industry: 'internet', address: { region: '北京市/朝阳区', detail: '望京街 1 号' } } };
  const started = await timed(windows, 'start', () => call(base, 'POST', `/v1/accounts/profile-${salt}-${i}/verifications`, body));
  await timed(windows, 'scan', () => call(base, 'POST', '/sandbox/wechat/scans', { ticket: started.nextAction.ticket, realName, idNumber, bankCardLinked: true }));
  let gets = 0;
  await timed(windows, 'poll', async () => {
    for (;;) {
      gets++;
      if ((await call(base, 'GET', `/v1/verifications/${started.id}`)).status === 'verified') return;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  return gets;
}

/** A statement's shape: its verb and the table it names first, e.g. `select verifications`, `insert audit_events`. */
function shapeOf(statement: string): string {
  const s = statement.toLowerCase();
  const verb = /^\s*(\w+)/.exec(s)?.[1] ?? '?';
  const table = /(?:from|into|update|join)\s+"?([a-z_]+)"?/.exec(s)?.[1];
  return table ? `${verb} ${table}` : verb;
}

interface Counted {
  byProcess: Record<string, Record<Phase | 'other', number>>;
  shapes: Record<string, number>;
}

/** The statement log's lines since `offset`, counted by process, phase and shape. */
function countStatements(log: string, windows: Window[]): Counted {
  const counted: Counted = { byProcess: {}, shapes: {} };
  for (const line of log.split('\n')) {
    const m = /^(\S+ \S+ \S+)\|([^|]*)\|LOG: {2}(?:statement|execute [^:]*): (.*)$/.exec(line);
    if (!m) continue;
    const [, at, app, statement] = m as unknown as [string, string, string, string];
    if (!app.startsWith('realname')) continue;
    const t = Date.parse(at.replace(' ', 'T').replace(/ (\w+)$/, (_, tz: string) => (tz === 'UTC' || tz === 'GMT' ? 'Z' : '')));
    const phase = windows.find((w) => t >= w.from && t < w.to)?.phase ?? 'other';
    const mine = (counted.byProcess[app] ??= { start: 0, scan: 0, poll: 0, other: 0 });
    mine[phase]++;
    const shape = `${app.replace('realname-', '')}: ${shapeOf(statement)}`;
    counted.shapes[shape] = (counted.shapes[shape] ?? 0) + 1;
  }
  return counted;
}

async function main() {
  const n = envInt('PROFILE_N', 20);
  const service = await startEmbedded();
  try {
    const base = service.service.baseUrl;
    const salt = Date.now() % 100_000;
    for (let i = 0; i < 10; i++) await verifyOnce(base, `profile-warm-${salt}-${i}`, idNumberFor(50_000 + i, salt));
    const url = adminUrl(service);
    const log = path.join(service.dataDir, 'postgres.log');
    await sql(url, ["alter system set log_statement = 'all'", "alter system set log_line_prefix = '%m|%a|'", "alter system set log_timezone = 'UTC'", 'select pg_reload_conf()']);
    await new Promise((r) => setTimeout(r, 500));
    const offset = statSync(log).size;
    const windows: Window[] = [];
    const gets: number[] = [];
    for (let i = 0; i < n; i++) gets.push(await profiledVerification(base, i, salt, windows));
    await new Promise((r) => setTimeout(r, 1000));
    await sql(url, ['alter system reset log_statement', 'alter system reset log_line_prefix', 'alter system reset log_timezone', 'select pg_reload_conf()']);
    const counted = countStatements(readFileSync(log, 'utf8').slice(offset), windows);

    const per = (x: number) => Math.round((x / n) * 10) / 10;
    const phaseMs = Object.fromEntries((['start', 'scan', 'poll'] as const).map((p) => [p, summarize(windows.filter((w) => w.phase === p).map((w) => w.to - w.from))]));
    console.log(`profile: ${n} WeChat QR verifications, one at a time, with the statement log on`);
    console.log(`client phases, ms (p50): start ${phaseMs.start!.p50}, scan ${phaseMs.scan!.p50}, GETs until verified ${phaseMs.poll!.p50} (${summarize(gets).p50} GETs)`);
    console.log('statements per verification, by process and phase (other: between phases, e.g. the worker after the GETs began):');
    for (const [app, phases] of Object.entries(counted.byProcess)) {
      const total = Object.values(phases).reduce((a, b) => a + b, 0);
      console.log(`  ${app}: ${per(total)} (start ${per(phases.start)}, scan ${per(phases.scan)}, GETs ${per(phases.poll)}, other ${per(phases.other)})`);
    }
    console.log('by shape, per verification:');
    for (const [shape, count] of Object.entries(counted.shapes).sort((a, b) => b[1] - a[1])) console.log(`  ${per(count).toString().padStart(5)}  ${shape}`);
    // Statement counts are totals over the n verifications.
    const report = { n, phaseMs, getsPerVerification: summarize(gets), statements: counted };
    console.log(`report: ${writeReport('profile', new Date().toISOString(), report)}`);
  } finally {
    await service.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
