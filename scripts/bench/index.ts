// `npm run bench`: N end-to-end WeChat QR verifications through the API and the sandbox at concurrency C, then,
// in the same run, the bare workflow with the same activities, signal and Update on a dev server with the best
// persisted store. Prints both throughputs, their ratio, latencies and API read p99; writes bench-results/*.json.
// BENCH_N (200), BENCH_C (20), BENCH_WARMUP (C), BENCH_READ_RATE (50/s); or --n= --c= --warmup= --read-rate=.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../platform/tools';
import { runBareBaseline } from './bare';
import { runServiceLoad } from './service-load';
import { applyFlags, envInt, type Summary } from './stats';

async function main() {
  applyFlags(process.argv.slice(2), { n: 'BENCH_N', c: 'BENCH_C', warmup: 'BENCH_WARMUP', 'read-rate': 'BENCH_READ_RATE' });
  const n = envInt('BENCH_N', 200);
  const concurrency = Math.max(1, envInt('BENCH_C', 20));
  const warmup = envInt('BENCH_WARMUP', concurrency);
  const readRate = Math.max(1, envInt('BENCH_READ_RATE', 50));
  const startedAt = new Date().toISOString();
  const load = os.loadavg();

  console.log(`bench: ${n} WeChat QR verifications at concurrency ${concurrency} (warm-up ${warmup}), reads at ${readRate}/s`);
  const service = await runServiceLoad({ n, concurrency, warmup, readRate });
  print('end to end (npm start, API + sandbox)', service.throughputPerSec, service.latencyMs);
  const reads = service.apiReadsUnderLoad;
  console.log(`  API reads under load: p50 ${reads.p50} ms, p95 ${reads.p95} ms, p99 ${reads.p99} ms (${reads.count} reads, ${reads.failures} failed)`);
  console.log(`  one verification: ${JSON.stringify(service.historyShape)}; ready in ${service.readyMs} ms; RSS ${JSON.stringify(service.serviceRssMb)} MB`);
  if (service.errors.length) console.log(`  errors: ${service.errors.join(' | ')}`);

  const bare = await runBareBaseline({ n, concurrency, warmup });
  print(`bare Temporal (${bare.store})`, bare.throughputPerSec, bare.latencyMs);

  const ratio = service.throughputPerSec / bare.throughputPerSec;
  console.log(`\nratio end to end / bare: ${ratio.toFixed(2)}x (target >= 0.6x); API read p99 ${reads.p99} ms (target < 50 ms)`);

  const report = {
    startedAt,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverageAtStart: load, loadAverageAtEnd: os.loadavg() },
    options: { n, concurrency, warmup, readRate },
    service,
    bare,
    ratio,
  };
  const dir = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`report: ${path.relative(process.cwd(), file)}`);
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
