// `npm run bench:soak`: SOAK_N (500; 10,000 for the figure) enterprise platform-recharge verifications left
// open, each waiting days for its transfer, with the worker and the API as their own processes on PostgreSQL
// (127.0.0.1:5432, BENCH_PG_URL overrides) and a dev server persisted with WAL. Reports the worker's RSS just after
// opening and once they have sat SOAK_SETTLE_SECONDS (60), the Temporal store and database sizes, API read latency
// at 50 GET/s while they sit, and the time for a killed worker to come back and resume them (SOAK_RESUME of them get
// their transfer and must verify). Writes bench-results/.
import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../domain/credit-code';
import { uploadFile } from '../lib/files';
import { startScaledOut } from './scaled-out';
import { idNumberFor } from './service-load';
import { startReadLoop } from './read-loop';
import { applyFlags, envInt, metricValue, residentByKindMb, rssMb, runPool, sleep, summarize, writeReport } from './stats';

const AUTH = { authorization: 'Bearer dev-service-key', 'content-type': 'application/json' };

interface Open {
  id: string;
  payer: string;
  name: string;
  amount: string;
  payee: string;
}

async function json<T>(res: Promise<Response>): Promise<{ status: number; body: T }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T };
}

function creditCode(): string {
  let body = '91110105';
  while (body.length < 17) body += CREDIT_CODE_ALPHABET[randomInt(0, CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckChar(body);
}

/** Registers an enterprise, uploads its licence and starts a recharge verification, which then waits for the transfer. */
async function openRecharge(base: string, i: number): Promise<Open> {
  const accountId = `soak-${i}-${randomBytes(3).toString('hex')}`;
  const name = `北京测试${100000 + i}科技有限公司`;
  const code = creditCode();
  const put = await fetch(`${base}/sandbox/registry/enterprises/${code}`, {
    method: 'PUT',
    headers: AUTH,
    body: JSON.stringify({ name, legalRepresentative: { name: '王法人', idNumber: idNumberFor(i, 1) }, status: '存续' }),
  });
  if (put.status !== 200) throw new Error(`registry ${put.status}`);
  const license = await uploadFile(base, accountId, 'business_license');
  const payer = `6222${String(randomInt(0, 1e8)).padStart(8, '0')}${randomInt(1000, 9999)}`;
  const started = await json<{ id: string; nextAction: { amount: string; payee: { accountNumber: string } } }>(
    fetch(`${base}/v1/accounts/${accountId}/verifications`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({
        subjectType: 'enterprise',
        method: 'recharge',
        enterprise: {
          licenseType: 'business_license',
          licenseUploadId: license.id,
          name,
          creditCode: code,
          address: { region: '北京市/海淀区', detail: '中关村大街 1 号' },
          contact: { name: '李联系', idNumber: idNumberFor(i, 2), mobile: '+8613912345678' },
        },
        payerAccount: { accountName: name, accountNumber: payer, bankName: '中国工商银行' },
      }),
    }),
  );
  if (started.status !== 201) throw new Error(`start ${started.status}: ${JSON.stringify(started.body)}`);
  return { id: started.body.id, payer, name, amount: started.body.nextAction.amount, payee: started.body.nextAction.payee.accountNumber };
}

/** The main thread's V8 heap, from the worker's own /metrics (prom-client's default Node metrics). */
async function heapMb(metricsUrl: string): Promise<{ heapUsedMb: number | null; heapTotalMb: number | null }> {
  const text = await fetch(metricsUrl).then((r) => r.text(), () => '');
  const mb = (name: string) => {
    const bytes = metricValue(text, name);
    return Number.isNaN(bytes) ? null : Math.round(bytes / 2 ** 20);
  };
  return { heapUsedMb: mb('nodejs_heap_size_used_bytes'), heapTotalMb: mb('nodejs_heap_size_total_bytes') };
}

function dirMb(dir: string, match: (name: string) => boolean): number {
  const bytes = readdirSync(dir).filter(match).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
  return Math.round(bytes / 2 ** 20);
}

async function main() {
  applyFlags(process.argv.slice(2), { n: 'SOAK_N', c: 'SOAK_C', resume: 'SOAK_RESUME', 'read-seconds': 'SOAK_READ_SECONDS', 'settle-seconds': 'SOAK_SETTLE_SECONDS' });
  const n = envInt('SOAK_N', 500);
  const concurrency = Math.max(1, envInt('SOAK_C', 10));
  const resumeCount = Math.min(n, envInt('SOAK_RESUME', 20));
  const readSeconds = Math.max(1, envInt('SOAK_READ_SECONDS', 20));
  const settleSeconds = Math.max(0, envInt('SOAK_SETTLE_SECONDS', 60));
  const stack = await startScaledOut('soak');
  const { api, admin, dbName, workDir } = stack;
  const workerMemory = async () => ({ rssMb: await rssMb(stack.worker.child.pid!), ...(await heapMb(stack.workerMetricsUrl)), residentMb: await residentByKindMb(stack.worker.child.pid!) });
  try {
    const base = api.baseUrl;
    console.log(`soak: opening ${n} recharge verifications at concurrency ${concurrency}`);
    const opened: Open[] = [];
    const opening = await runPool(n, concurrency, async (i) => void opened.push(await openRecharge(base, i)));
    if (opening.errors.length) console.log(`  ${opening.errors.length} failed to open, e.g. ${opening.errors[0]}`);
    const openRate = opened.length / (opening.elapsedMs / 1000);
    console.log(`  opened ${opened.length} in ${(opening.elapsedMs / 1000).toFixed(0)} s (${openRate.toFixed(1)}/s; latency ${JSON.stringify(summarize(opening.latencies))} ms)`);
    // The worker's memory twice: just after the burst of opening, and once they have sat a while (V8 gives back
    // the heap it grew for the burst only after some idle seconds).
    const openedAt = performance.now();
    await sleep(5_000);
    const afterBurst = await workerMemory();
    const reads = await startReadLoop(50, opened.map((o) => `${base}/v1/verifications/${o.id}`), AUTH);
    await sleep(readSeconds * 1000);
    const read = await reads.stop();
    await sleep(Math.max(0, settleSeconds * 1000 - (performance.now() - openedAt)));
    const sitting = { ...(await workerMemory()), afterSeconds: Math.round((performance.now() - openedAt) / 1000) };
    const pgMb = Math.round(Number((await admin.raw<{ rows: { size: string }[] }>('select pg_database_size(?) as size', [dbName])).rows[0]!.size) / 2 ** 20);
    const temporalMb = dirMb(workDir, (f) => f.startsWith('temporal.db'));
    const memory = (m: typeof afterBurst) => `RSS ${m.rssMb} MB (main-thread heap ${m.heapUsedMb} of ${m.heapTotalMb} MB; resident by kind ${JSON.stringify(m.residentMb)})`;
    console.log(`  worker just after opening: ${memory(afterBurst)}; while they sit (${sitting.afterSeconds} s later): ${memory(sitting)}`);
    console.log(`  API RSS ${await rssMb(api.child.pid!)} MB; Temporal store ${temporalMb} MB; PostgreSQL ${pgMb} MB`);
    console.log(`  API reads at 50/s while they sit: ${JSON.stringify(summarize(read.latencies))} ms, ${read.failures} failed`);

    // kill -9 the worker, start it again, then pay SOAK_RESUME of the waiting processes: each must wake and verify.
    const t0 = performance.now();
    const restartMs = await stack.restartWorker();
    const paying = await runPool(resumeCount, concurrency, async (i) => {
      const o = opened[i]!;
      const res = await fetch(`${base}/sandbox/bank/transfers`, { method: 'POST', headers: AUTH, body: JSON.stringify({ fromAccountNumber: o.payer, fromAccountName: o.name, toAccountNumber: o.payee, amount: o.amount }) });
      if (res.status !== 202) throw new Error(`transfer ${res.status}`);
      for (let tries = 0; tries < 600; tries++) {
        const got = await json<{ status: string }>(fetch(`${base}/v1/verifications/${o.id}`, { headers: AUTH }));
        if (got.body.status === 'verified') return;
        await sleep(100);
      }
      throw new Error(`${o.id} did not verify after its transfer`);
    });
    const resumeMs = performance.now() - t0;
    console.log(`  worker killed and restarted: polling after ${Math.round(restartMs)} ms; ${paying.latencies.length}/${resumeCount} paid processes verified ${Math.round(resumeMs)} ms after the kill (${paying.errors.length} failed); worker RSS then ${await rssMb(stack.worker.child.pid!)} MB`);

    const report = {
      startedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg() },
      options: { n, concurrency, resumeCount, readSeconds },
      opening: { opened: opened.length, errors: opening.errors.length, perSecond: openRate, latencyMs: summarize(opening.latencies) },
      afterOpening: { workerRssMb: afterBurst.rssMb, workerHeapUsedMb: afterBurst.heapUsedMb, workerHeapTotalMb: afterBurst.heapTotalMb, workerResidentMb: afterBurst.residentMb },
      sitting: { afterSeconds: sitting.afterSeconds, workerRssMb: sitting.rssMb, workerHeapUsedMb: sitting.heapUsedMb, workerHeapTotalMb: sitting.heapTotalMb, workerResidentMb: sitting.residentMb, temporalStoreMb: temporalMb, postgresMb: pgMb, apiReadsMs: { ...summarize(read.latencies), failures: read.failures } },
      restart: { workerReadyMs: Math.round(restartMs), resumedAndVerifiedMs: Math.round(resumeMs), verified: paying.latencies.length, errors: paying.errors.slice(0, 5) },
    };
    console.log(`report: ${writeReport('soak', report.startedAt, report)}`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
