// `npm run bench`: N end-to-end WeChat QR verifications through the API and the sandbox at concurrency C, in both
// topologies (embedded `npm start`; scaled out: compiled API and worker processes on PostgreSQL), then, in the same run,
// the bare workflow with the same activities, signal and Update on a dev server with the best persisted store. Prints
// the throughputs, their ratios, latencies and API read latency under load; writes bench-results/*.json.
// BENCH_N (400), BENCH_C (20), BENCH_WARMUP (C), BENCH_READ_RATE (50/s), BENCH_TOPOLOGIES (embedded,scaled-out);
// or --n= --c= --warmup= --read-rate= --topologies=.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../platform/tools';
import { runBareBaseline } from './bare';
import { adminPgUrl, pgReachable } from './scaled-out';
import { embeddedStack, runServiceLoad, scaledOutStack, type ServiceResult, type ServiceStack } from './service-load';
import { applyFlags, envInt, writeReport, type Summary } from './stats';

const READ_P99_TARGET_MS = 50;
const RATIO_TARGET = 0.85;
const READY_TARGET_MS = 10_000;

const TOPOLOGIES: Record<string, () => Promise<ServiceStack>> = { embedded: embeddedStack, 'scaled-out': scaledOutStack };

/** What bounds a topology when it misses a target (README "Performance"). */
const BOUNDS: Record<string, string> = {
  embedded: 'the two cores, shared by the dev server, PostgreSQL, the API, the worker, the supervisor and this load generator',
  'scaled-out': 'the two cores, shared by the dev server, PostgreSQL, the API, the worker and this load generator',
};

/** The topologies asked for that can run here: scaled out needs the build and PostgreSQL. */
async function topologies(): Promise<{ run: string[]; skipped: string[] }> {
  const asked = (process.env.BENCH_TOPOLOGIES ?? 'embedded,scaled-out').split(',').map((t) => t.trim()).filter(Boolean);
  for (const name of asked) if (!TOPOLOGIES[name]) throw new Error(`unknown topology ${name} (${Object.keys(TOPOLOGIES).join(', ')})`);
  const skipped: string[] = [];
  if (asked.includes('scaled-out')) {
    if (!existsSync(path.join(REPO_ROOT, 'dist/worker/main.js'))) skipped.push('scaled-out: no build (npm run bench builds first)');
    else if (!(await pgReachable())) skipped.push(`scaled-out: PostgreSQL does not answer at ${new URL(adminPgUrl()).host} (BENCH_PG_URL)`);
  }
  return { run: asked.filter((name) => !skipped.some((s) => s.startsWith(`${name}:`))), skipped };
}

function printService(result: ServiceResult) {
  print(`end to end, ${result.topology}`, result.throughputPerSec, result.latencyMs);
  const reads = result.apiReadsUnderLoad;
  console.log(`  API reads under load: p50 ${reads.p50} ms, p95 ${reads.p95} ms, p99 ${reads.p99} ms (${reads.count} reads, ${reads.failures} failed)`);
  console.log(`  the API's event loop delay over the run: p50 ${result.apiEventLoopDelayMs.p50} ms, p99 ${result.apiEventLoopDelayMs.p99} ms, max ${result.apiEventLoopDelayMs.max} ms`);
  console.log(`  the API's queries: ${result.apiPoolWaits.queries}, of which ${result.apiPoolWaits.over10ms} waited over 10 ms for a pooled connection`);
  console.log(`  GETs per verification while it waited for verified: ${result.getsPerVerification}`);
  console.log(`  one verification: ${JSON.stringify(result.historyShape)}; ready in ${result.readyMs} ms; RSS MB ${JSON.stringify(result.rssMb)}`);
  console.log(`  CPU ms per verification: ${JSON.stringify(result.cpuMsPerVerification)}`);
  if (result.errors.length) console.log(`  errors: ${result.errors.join(' | ')}`);
}

async function main() {
  applyFlags(process.argv.slice(2), { n: 'BENCH_N', c: 'BENCH_C', warmup: 'BENCH_WARMUP', 'read-rate': 'BENCH_READ_RATE', topologies: 'BENCH_TOPOLOGIES' });
  const n = envInt('BENCH_N', 400);
  const concurrency = Math.max(1, envInt('BENCH_C', 20));
  const warmup = envInt('BENCH_WARMUP', concurrency);
  const readRate = Math.max(1, envInt('BENCH_READ_RATE', 50));
  const startedAt = new Date().toISOString();
  const load = os.loadavg();
  const { run, skipped } = await topologies();

  console.log(`bench: ${n} WeChat QR verifications at concurrency ${concurrency} (warm-up ${warmup}), reads at ${readRate}/s; ${run.join(' and ')}`);
  for (const reason of skipped) console.log(`  skipped ${reason}`);
  const services: { name: string; result: ServiceResult }[] = [];
  for (const name of run) {
    const result = await runServiceLoad({ n, concurrency, warmup, readRate }, TOPOLOGIES[name]!);
    services.push({ name, result });
    printService(result);
  }

  const bare = await runBareBaseline({ n, concurrency, warmup });
  print(`bare Temporal (${bare.store})`, bare.throughputPerSec, bare.latencyMs);
  console.log(`  CPU ms per workflow: ${JSON.stringify(bare.cpuMsPerVerification)}`);

  const ratios: Record<string, number> = {};
  console.log('');
  for (const { name, result } of services) {
    const ratio = (ratios[name] = result.throughputPerSec / bare.throughputPerSec);
    const p99 = result.apiReadsUnderLoad.p99;
    const readyTarget = name === 'embedded' ? ` (target < ${READY_TARGET_MS / 1000} s)` : '';
    console.log(`${name}: ratio end to end / bare ${ratio.toFixed(2)}x (target >= ${RATIO_TARGET}x); API read p99 ${p99} ms (target < ${READ_P99_TARGET_MS} ms); ready in ${(result.readyMs / 1000).toFixed(1)} s${readyTarget}`);
    const missed = ratio < RATIO_TARGET || (p99 ?? Infinity) >= READ_P99_TARGET_MS || (name === 'embedded' && result.readyMs >= READY_TARGET_MS);
    if (missed) console.log(`  below target; bounded by: ${BOUNDS[name]}`);
  }

  const report = {
    startedAt,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverageAtStart: load, loadAverageAtEnd: os.loadavg() },
    options: { n, concurrency, warmup, readRate, topologies: run, skipped },
    services: services.map((s) => s.result),
    bare,
    ratios,
  };
  console.log(`report: ${writeReport('bench', startedAt, report)}`);
  if (load[0]! > os.cpus().length * 0.5) console.log(`note: load average was ${load[0]!.toFixed(1)} at start: other work shares this machine, figures are noisy`);
}

function print(label: string, throughput: number, latency: Summary) {
  console.log(`${label}: ${throughput.toFixed(2)}/s; latency p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
