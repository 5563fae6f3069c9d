// `npm run bench:pages`: how heavy and how fast the applicant's first page is (issue 27: < 150 kB transferred,
// interactive < 1 s on the bench machine). Builds first (npm script), then starts the compiled API and worker the
// scaled-out way (scripts/bench/scaled-out.ts: PostgreSQL at 127.0.0.1:5432 or BENCH_PG_URL, a database and a
// DATA_DIR of their own, free ports), so what is measured is the prebuilt bundle dist/api/pages/static/app.js.
//
// Each run mints a one-time link for a new account (POST /v1/accounts/{id}/sessions with the service key) and opens it
// in Chromium (playwright-core, CHROMIUM_PATH or /usr/bin/chromium) in a fresh browser context: a cold HTTP cache, no
// cookie, no sessionStorage, new connections. One load before the runs only warms the browser and is not counted.
//
// - interactive: from navigation start (the document's performance.timeOrigin) to the later of (a) the frame after the
//   start page's primary control (开始个人认证, `main a.button`) is in the DOM, laid out, visible and enabled — its
//   click handler (the router) is attached before the app renders anything — and (b) the end of any long task (over
//   50 ms on the main thread) begun before that frame. A click at that moment is handled at once.
// - transferred: the bytes on the wire, headers included (DevTools protocol, Network.loadingFinished
//   encodedDataLength), of every request begun by then — the HTML, CSS, script, the link's exchange, config and the
//   account's JSON — each counted in full even when it finishes later. kB = 1000 bytes.
// - requests: how many those are. Each is also reported with its Content-Encoding and Cache-Control.
// - reload: the same page reloaded in the same context (the tab's session resumed, the cache warm); reported, no target.
//
// The verdict is on the worst run (every run must meet the target); the medians are printed beside it.
// PAGES_RUNS (5) or --runs=. Writes bench-results/pages-*.json (git-ignored).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DEV_KEYS } from '../../platform/config-secrets';
import { REPO_ROOT } from '../../platform/tools';
import { mintPagesLink } from '../lib/pages-link';
import { measureLink, type LoadFigures, type RequestRecord } from './page-load';
import { adminPgUrl, pgReachable, startScaledOut } from './scaled-out';
import { applyFlags, envInt, writeReport } from './stats';

const TARGETS = { transferredKb: 150, interactiveMs: 1000 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The build and the services this needs, refused up front in words. */
async function preflight(): Promise<void> {
  for (const built of ['dist/api/main.js', 'dist/worker/main.js', 'dist/api/pages/static/app.js']) {
    if (!existsSync(path.join(REPO_ROOT, built))) throw new Error(`${built} is missing: run \`npm run bench:pages\`, which builds first`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: \`npm run setup\` installs it, or set CHROMIUM_PATH`);
  if (!(await pgReachable())) throw new Error(`PostgreSQL does not answer at ${new URL(adminPgUrl()).host} (BENCH_PG_URL)`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Row {
  label: string;
  values: number[];
  unit: string;
  target?: number;
}

function rowsOf(loads: LoadFigures[], label: string, targets: boolean): Row[] {
  return [
    { label: `${label}: transferred`, values: loads.map((l) => l.transferredBytes / 1000), unit: 'kB', ...(targets && { target: TARGETS.transferredKb }) },
    { label: `${label}: requests`, values: loads.map((l) => l.requests.length), unit: '' },
    { label: `${label}: interactive`, values: loads.map((l) => l.interactiveMs), unit: 'ms', ...(targets && { target: TARGETS.interactiveMs }) },
    { label: `${label}: first contentful paint`, values: loads.map((l) => l.firstContentfulPaintMs ?? NaN), unit: 'ms' },
  ];
}

function printTable(rows: Row[]): boolean {
  const fmt = (v: number, unit: string) => `${unit === 'kB' ? v.toFixed(1) : Math.round(v)}${unit ? ` ${unit}` : ''}`;
  const lines = [['', 'median', 'max', 'target', ''], ...rows.map((r) => {
    const max = Math.max(...r.values);
    const verdict = r.target === undefined ? '' : max < r.target ? 'PASS' : 'FAIL';
    return [r.label, fmt(median(r.values), r.unit), fmt(max, r.unit), r.target === undefined ? '' : `< ${fmt(r.target, r.unit)}`, verdict];
  })];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  return rows.every((r) => r.target === undefined || Math.max(...r.values) < r.target);
}

function printRequests(requests: RequestRecord[]) {
  console.log('\nthe first page, request by request (first run):');
  for (const r of requests) {
    const size = `${(r.transferred / 1000).toFixed(1)} kB (${(r.decoded / 1000).toFixed(1)} kB decoded)`;
    console.log(`  ${String(r.status).padEnd(4)}${r.path.padEnd(40)}${size.padEnd(30)}encoding: ${r.contentEncoding ?? 'none'}; cache-control: ${r.cacheControl ?? 'none'}`);
  }
}

async function runAll(browser: Browser, baseUrl: string, runs: number) {
  const open = async (name: string) => {
    const link = await mintPagesLink({ apiUrl: baseUrl, serviceKey: DEV_KEYS.SERVICE_API_KEY, accountId: `bench-pages-${process.pid}-${name}`, locale: 'zh-CN' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      return await measureLink(context, link);
    } finally {
      await context.close();
    }
  };
  const warmup = await open('warmup');
  const measured: Awaited<ReturnType<typeof open>>[] = [];
  for (let i = 0; i < runs; i++) {
    measured.push(await open(String(i)));
    const { first } = measured.at(-1)!;
    console.log(`  run ${i + 1}: ${(first.transferredBytes / 1000).toFixed(1)} kB in ${first.requests.length} requests, interactive at ${first.interactiveMs} ms`);
  }
  return { warmup, measured };
}

async function main() {
  applyFlags(process.argv.slice(2), { runs: 'PAGES_RUNS' });
  const runs = Math.max(1, envInt('PAGES_RUNS', 5));
  await preflight();
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg();
  console.log(`bench:pages: ${runs} cold loads of a fresh one-time link in Chromium, the compiled service scaled out`);
  const stack = await startScaledOut('pages');
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const { warmup, measured } = await runAll(browser, stack.baseUrl, runs);
    console.log('');
    const passed = printTable([...rowsOf(measured.map((m) => m.first), 'first page', true), ...rowsOf(measured.map((m) => m.reload), 'reload', false)]);
    printRequests(measured[0]!.first.requests);
    const report = {
      startedAt,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() },
      browser: { executable: CHROMIUM, version: browser.version(), viewport: '390x844' },
      options: { runs },
      targets: TARGETS,
      passed,
      runs: measured,
      warmup,
    };
    const file = writeReport('pages', startedAt, report);
    console.log(`\n${passed ? 'PASS' : 'FAIL'}: every run under ${TARGETS.transferredKb} kB and ${TARGETS.interactiveMs} ms? report: ${file}`);
    if (loadAtStart[0]! > os.cpus().length * 0.5) console.log(`note: load average was ${loadAtStart[0]!.toFixed(1)} at start: other work shares this machine, timings are noisy`);
    return passed;
  } finally {
    await browser?.close();
    await stack.stop();
  }
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
