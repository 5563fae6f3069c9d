import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/messages';
import type { Logger } from './logger';
import { niced } from './priority';
import { temporalReachable } from './temporal';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  /** False when an already running server was found at the address and reused. */
  owned: boolean;
  /** The server's process (null for a reused one). */
  pid: number | null;
  /** Settles when the server (one this process started) exits; never, for a reused one. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
  /** In-memory (no SQLite file): for tests. */
  ephemeral?: boolean;
  /** SQLite pragmas for the persisted store (`--sqlite-pragma`); default SQLITE_PRAGMAS. */
  sqlitePragmas?: readonly string[];
  headless?: boolean;
  /** The remote codec the Web UI decodes payloads with. */
  codecEndpoint?: string;
  startTimeoutMs?: number;
  /** A lower CPU priority for the server, every thread of it (priority.ts). */
  niceness?: number;
}

/**
 * Write-ahead log, synced at checkpoints rather than on every commit: about twice the
 * throughput of SQLite's default rollback journal (an fsync per commit). A killed
 * process loses nothing (the WAL is in the OS's cache); only a power loss may drop
 * the last commits.
 */
export const SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/**
 * The Temporal CLI dev server as a child process: SQLite persistence under the
 * data folder (workflows survive restarts), the Web UI, our search attributes
 * registered, Updates enabled.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.headless ? null : `http://127.0.0.1:${options.uiPort}`;
  if (await temporalReachable(address)) {
    options.logger.warn({ address }, 'a Temporal server already answers at this address; using it instead of starting one');
    return { address, uiUrl, owned: false, pid: null, exited: new Promise(() => undefined), stop: async () => undefined };
  }

  mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, 'temporal-dev-server.log');
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  if (!options.ephemeral) {
    args.push('--db-filename', path.join(options.dataDir, 'temporal.db'));
    for (const pragma of options.sqlitePragmas ?? SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.codecEndpoint && !options.headless) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const sa of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=${sa.type}`);
  for (const flag of ['frontend.enableUpdateWorkflowExecution=true', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true']) {
    args.push('--dynamic-config-value', flag);
  }

  const out = openSync(logFile, 'a');
  // Its own process group: Ctrl-C in a terminal reaches the service, which stops the server last (after the worker).
  const run = niced(options.cliPath, args, options.niceness);
  const child: ChildProcess = spawn(run.command, run.args, { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await temporalReachable(address))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`the Temporal dev server did not start (${exited ? `exit ${exited.code ?? exited.signal}` : 'timeout'}); ${logFile}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  options.logger.info({ address, uiUrl, pid: child.pid }, 'Temporal dev server started');

  return {
    address,
    uiUrl,
    owned: true,
    pid: child.pid ?? null,
    exited: exit,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
