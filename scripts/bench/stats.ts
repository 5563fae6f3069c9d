// Small measuring helpers shared by the benchmark scripts (bench, soak, profile, pages).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../platform/tools';

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? null),
  };
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once; returns each task's duration in ms. */
export async function runPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; elapsedMs: number; errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t0 = performance.now();
      try {
        await task(i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return { latencies, elapsedMs: performance.now() - started, errors };
}

/** A Prometheus scrape's series, whole as it appears (`name{label="value"}`), as a number; NaN when absent. */
export function metricValue(scrape: string, series: string): number {
  const line = new RegExp(`^${series.replace(/[{}.()[\]|*+?^$\\]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape);
  return line ? Number(line[1]) : NaN;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${raw} is not a non-negative integer`);
  return n;
}

/** `--n=200 --c=20` style flags override the environment. */
export function applyFlags(argv: string[], names: Record<string, string>): void {
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}; use --name=value`);
    const env = names[m[1]!];
    if (!env) throw new Error(`unknown flag --${m[1]}; known: ${Object.keys(names).map((k) => `--${k}`).join(', ')}`);
    process.env[env] = m[2];
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process in MB, from /proc (Linux). */
export async function rssMb(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** utime+stime of /proc/<pid>/stat in ms (USER_HZ is 100 on Linux), and its parent's pid; null when it is gone. */
function procTimes(pid: number, readFileSync: (p: string, e: 'utf8') => string): { ms: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ms: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10, ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) a process (and its live descendants, unless `withDescendants` is false) has used, with its exited
 * children's: PostgreSQL's work is done by its backends, the postmaster's children. Linux only; null when it is gone.
 */
export async function cpuMsOfTree(root: number, withDescendants = true): Promise<number | null> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const times = new Map(pids.map((pid) => [pid, procTimes(pid, readFileSync)] as const));
  if (!times.get(root)) return null;
  let total = 0;
  const tree = new Set([root]);
  // Parents have lower pids than their children only usually: repeat until the tree stops growing.
  for (let grew = withDescendants; grew; ) {
    grew = false;
    for (const [pid, t] of times) {
      if (t && !tree.has(pid) && tree.has(t.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of tree) total += times.get(pid)?.ms ?? 0;
  return total;
}

/** Writes a benchmark's report to bench-results/<kind>-<time>.json (git-ignored); answers its path from here. */
export function writeReport(kind: string, startedAt: string, report: unknown): string {
  const dir = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

/**
 * A process's resident memory by kind of mapping, in MB, from /proc/<pid>/smaps (Linux): `code` is file-backed (the
 * node binary, native addons such as Temporal's core, shared libraries); `mallocArenas` is glibc's heap (`[heap]`)
 * and its per-thread arenas (anonymous mappings of 64 MB); `otherAnonymous` is the rest: V8's heaps of every
 * thread (256 kB pages and large objects), thread stacks, and allocations malloc maps on their own. Null when gone.
 */
export async function residentByKindMb(pid: number): Promise<{ code: number; mallocArenas: number; otherAnonymous: number } | null> {
  const { readFile } = await import('node:fs/promises');
  let smaps: string;
  try {
    smaps = await readFile(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const kb = { code: 0, mallocArenas: 0, otherAnonymous: 0 };
  let kind: keyof typeof kb = 'otherAnonymous';
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const sizeMb = (parseInt(mapping[2]!, 16) - parseInt(mapping[1]!, 16)) / 2 ** 20;
      const name = mapping[3]!;
      kind = name === '[heap]' || (name === '' && sizeMb >= 64) ? 'mallocArenas' : name.startsWith('/') ? 'code' : 'otherAnonymous';
    } else if (line.startsWith('Rss:')) {
      kb[kind] += Number(/(\d+)/.exec(line)?.[1] ?? 0);
    }
  }
  const mb = (v: number) => Math.round(v / 1024);
  return { code: mb(kb.code), mallocArenas: mb(kb.mallocArenas), otherAnonymous: mb(kb.otherAnonymous) };
}
