// The end-to-end half of `npm run bench`: the service driven only through its API and the sandbox, as the README's
// curl walkthrough does, in either topology: `npm start` (its dev server, PostgreSQL, worker and API under one
// supervisor) on free ports and a temporary DATA_DIR, or scaled out (scaled-out.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { mainlandIdCheckChar } from '../../domain/id-number';
import { freePort, startServiceProcess, type ServiceProcess } from '../lib/processes';
import { startScaledOut } from './scaled-out';
import { startReadLoop } from './read-loop';
import { cpuMsOfTree, metricValue, rssMb, runPool, summarize, type Summary } from './stats';

const AUTH = { authorization: 'Bearer dev-service-key', 'content-type': 'application/json' };

export interface EmbeddedService {
  service: ServiceProcess;
  temporalAddress: string;
  dataDir: string;
  startMs: number;
  stop(): Promise<void>;
}

export async function startEmbedded(env: Record<string, string> = {}): Promise<EmbeddedService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-bench-'));
  const devPort = await freePort();
  const t0 = performance.now();
  const service = await startServiceProcess({
    port: await freePort(),
    logFile: path.join(dataDir, 'service.log'),
    readyTimeoutMs: 180_000,
    // Ready when the banner is out: the worker too, not only the API.
    readyLogLine: 'Ctrl-C stops everything.',
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(await freePort()),
      RATE_LIMIT_MAX: '100000000',
      ...env,
    },
  });
  return {
    service,
    temporalAddress: `127.0.0.1:${devPort}`,
    dataDir,
    startMs: performance.now() - t0,
    async stop() {
      await service.stop();
      if (!process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Distinct valid mainland ID numbers (at most three accounts may share one), one per run index. */
export function idNumberFor(i: number, salt: number): string {
  const day = new Date(Date.UTC(1960, 0, 1) + ((salt * 7919 + i) % 12_000) * 86_400_000).toISOString().slice(0, 10);
  const first17 = `110105${day.replace(/-/g, '')}${String(Math.floor(i / 12_000) % 1000).padStart(3, '0')}`;
  return first17 + mainlandIdCheckChar(first17);
}

/** The fields of a verification this benchmark reads. */
interface VerificationView {
  id: string;
  status: string;
  failureReason: string | null;
  nextAction: { ticket: string } | null;
}

async function call<T>(base: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: T | undefined }> {
  const res = await fetch(`${base}${url}`, { method, headers: AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as T) : undefined };
}

/** One WeChat QR verification: start, scan, and GET until it shows verified. Returns its id and the GETs it took. */
export async function verifyOnce(base: string, label: string, idNumber: string): Promise<{ id: string; gets: number }> {
  const realName = '张三';
  const started = await call<VerificationView>(base, 'POST', `/v1/accounts/${label}/verifications`, {
    subjectType: 'individual',
    method: 'wechat_qr',
    individual: { realName, idType: 'mainland_id', idNumber, industry: 'internet', address: { region: '北京市/朝阳区', detail: '望京街 1 号' } },
  });
  const view = started.body;
  if (started.status !== 201 || !view?.nextAction) throw new Error(`start ${started.status}: ${JSON.stringify(started.body)}`);
  const scan = await call(base, 'POST', '/sandbox/wechat/scans', { ticket: view.nextAction.ticket, realName, idNumber, bankCardLinked: true });
  if (scan.status !== 202) throw new Error(`scan ${scan.status}: ${JSON.stringify(scan.body)}`);
  const deadline = Date.now() + 60_000;
  // The scan is answered once the run has taken it (the sandbox waits for that), so the first GET usually finds it
  // verified; the bench reports how many a verification took.
  for (let gets = 1; ; gets++) {
    const got = await call<VerificationView>(base, 'GET', `/v1/verifications/${view.id}`);
    if (got.body?.status === 'verified') return { id: view.id, gets };
    if (got.body?.status !== 'in_progress' || Date.now() > deadline) throw new Error(`verification ended ${got.status} ${JSON.stringify(got.body?.status)} ${got.body?.failureReason}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What the bench reads of the API's /metrics: its event-loop delay (prom-client's default metrics, a histogram each
 * scrape resets: scraped before the run to start afresh) in ms, and its queries' waits for a pooled database
 * connection (cumulative: the run's are the difference).
 */
async function apiMetrics(base: string): Promise<{ loopDelayMs: { p50: number | null; p99: number | null; max: number | null }; poolWaits: { all: number; over10ms: number } }> {
  const text = await fetch(`${base}/metrics`).then((r) => r.text(), () => '');
  const value = (series: string) => metricValue(text, series);
  const ms = (name: string) => {
    const seconds = value(`nodejs_eventloop_lag_${name}_seconds`);
    return Number.isNaN(seconds) ? null : Math.round(seconds * 10_000) / 10;
  };
  const all = value('db_pool_acquire_seconds_count');
  return { loopDelayMs: { p50: ms('p50'), p99: ms('p99'), max: ms('max') }, poolWaits: { all, over10ms: all - value('db_pool_acquire_seconds_bucket{le="0.01"}') } };
}

/** A running service the load is driven through: its API, its Temporal, and its processes (for their RSS). */
export interface ServiceStack {
  topology: string;
  baseUrl: string;
  temporalAddress: string;
  readyMs: number;
  processes: Record<string, number>;
  stop(): Promise<void>;
}

/** npm start's processes, for their RSS: the supervisor and its children, named by what they run. */
function embeddedProcesses(supervisor: number): Record<string, number> {
  const found: Record<string, number> = { supervisor };
  const pids = execFileSync('pgrep', ['-P', String(supervisor)]).toString().trim().split('\n').map(Number);
  for (const pid of pids) {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const name = args.includes('worker/main') ? 'worker' : args.includes('api/main') ? 'api' : args.includes('/postgres') ? 'postgres' : args.includes('start-dev') ? 'temporal' : `pid-${pid}`;
    found[name] = pid;
  }
  return found;
}

export async function embeddedStack(): Promise<ServiceStack> {
  const embedded = await startEmbedded();
  return {
    topology: 'embedded: npm start (dev server, PostgreSQL, worker and API as processes under one supervisor)',
    baseUrl: embedded.service.baseUrl,
    temporalAddress: embedded.temporalAddress,
    readyMs: Math.round(embedded.startMs),
    processes: embeddedProcesses(embedded.service.child.pid!),
    stop: () => embedded.stop(),
  };
}

export async function scaledOutStack(): Promise<ServiceStack> {
  const stack = await startScaledOut('bench');
  return {
    topology: 'scaled out: compiled API and worker processes, PostgreSQL, dev server',
    baseUrl: stack.baseUrl,
    temporalAddress: stack.temporalAddress,
    readyMs: stack.readyMs,
    processes: {
      api: stack.api.child.pid!,
      worker: stack.worker.child.pid!,
      ...(stack.temporalPid ? { temporal: stack.temporalPid } : {}),
      ...(stack.postgresPid ? { postgres: stack.postgresPid } : {}),
    },
    stop: () => stack.stop(),
  };
}

export interface ServiceResult {
  topology: string;
  n: number;
  concurrency: number;
  throughputPerSec: number;
  latencyMs: Summary;
  errors: string[];
  apiReadsUnderLoad: Summary & { ratePerSecond: number; failures: number };
  /** How long the API's event loop kept callbacks waiting over the run: what a GET queues behind in the API. */
  apiEventLoopDelayMs: { p50: number | null; p99: number | null; max: number | null };
  /** The API's queries over the run, and those that waited more than 10 ms for a pooled connection. */
  apiPoolWaits: { queries: number; over10ms: number };
  /** The GETs (every 50 ms) one verification's client made on average until it showed `verified`. */
  getsPerVerification: number;
  /** What one verification cost Temporal, counted in its history. */
  historyShape: Record<string, number>;
  rssMb: Record<string, { afterStart: number | null; afterRun: number | null }>;
  /** CPU time each process (with its children: PostgreSQL's backends) spent per measured verification, in ms. */
  cpuMsPerVerification: Record<string, number | null>;
  readyMs: number;
}

// PostgreSQL with its backends (the postmaster's children); every other process on its own (npm start's supervisor
// is the parent of the rest).
const cpuOf = async (processes: Record<string, number>) =>
  Object.fromEntries(await Promise.all(Object.entries(processes).map(async ([role, pid]) => [role, await cpuMsOfTree(pid, role === 'postgres')] as const)));

const rssOf = async (processes: Record<string, number>) => Object.fromEntries(await Promise.all(Object.entries(processes).map(async ([role, pid]) => [role, await rssMb(pid)] as const)));

export async function runServiceLoad(options: { n: number; concurrency: number; warmup: number; readRate: number }, start: () => Promise<ServiceStack>): Promise<ServiceResult> {
  const stack = await start();
  const base = stack.baseUrl;
  const salt = Date.now() % 100_000;
  try {
    const afterStart = await rssOf(stack.processes);
    const warm = await runPool(options.warmup, options.concurrency, async (i) => void (await verifyOnce(base, `bench-warm-${salt}-${i}`, idNumberFor(100_000 + i, salt))));
    if (warm.errors.length) throw new Error(`warm-up failed: ${warm.errors[0]}`);
    const { id: probe } = await verifyOnce(base, `bench-probe-${salt}`, idNumberFor(200_000, salt));
    const reads = await startReadLoop(options.readRate, [`${base}/v1/verifications/${probe}`], AUTH);
    const cpuBefore = await cpuOf(stack.processes);
    const metricsBefore = await apiMetrics(base);
    const gets: number[] = [];
    const run = await runPool(options.n, options.concurrency, async (i) => void gets.push((await verifyOnce(base, `bench-${salt}-${i}`, idNumberFor(i, salt))).gets));
    const cpuAfter = await cpuOf(stack.processes);
    const metricsAfter = await apiMetrics(base);
    const read = await reads.stop();
    const perVerification = (role: string) => {
      const [before, after] = [cpuBefore[role], cpuAfter[role]];
      // (The side loop's reads at readRate/s are in the API's and PostgreSQL's share: the same in every topology.)
      return before === null || before === undefined || after === null || after === undefined ? null : Math.round(((after - before) / run.latencies.length) * 10) / 10;
    };
    const afterRun = await rssOf(stack.processes);
    return {
      topology: stack.topology,
      n: options.n,
      concurrency: options.concurrency,
      throughputPerSec: run.latencies.length / (run.elapsedMs / 1000),
      latencyMs: summarize(run.latencies),
      errors: run.errors.slice(0, 5),
      apiReadsUnderLoad: { ...summarize(read.latencies), ratePerSecond: options.readRate, failures: read.failures },
      apiEventLoopDelayMs: metricsAfter.loopDelayMs,
      apiPoolWaits: { queries: metricsAfter.poolWaits.all - metricsBefore.poolWaits.all, over10ms: metricsAfter.poolWaits.over10ms - metricsBefore.poolWaits.over10ms },
      getsPerVerification: Math.round((gets.reduce((a, b) => a + b, 0) / Math.max(1, gets.length)) * 10) / 10,
      historyShape: await historyShape(stack.temporalAddress, `verification/${probe}`),
      rssMb: Object.fromEntries(Object.keys(stack.processes).map((role) => [role, { afterStart: afterStart[role] ?? null, afterRun: afterRun[role] ?? null }])),
      cpuMsPerVerification: Object.fromEntries(Object.keys(stack.processes).map((role) => [role, perVerification(role)])),
      readyMs: stack.readyMs,
    };
  } finally {
    await stack.stop();
  }
}

/** Activities, workflow tasks, Updates and signals in one workflow's history. */
export async function historyShape(address: string, workflowId: string): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const count = (type: string) => (history.events ?? []).filter((e) => e[type as keyof typeof e]).length;
    return {
      activities: count('activityTaskScheduledEventAttributes'),
      workflowTasks: count('workflowTaskCompletedEventAttributes'),
      updates: count('workflowExecutionUpdateAcceptedEventAttributes'),
      signals: count('workflowExecutionSignaledEventAttributes'),
      timers: count('timerStartedEventAttributes'),
      events: history.events?.length ?? 0,
    };
  } finally {
    await connection.close();
  }
}
