/** Starting the service's processes and finding free ports: shared by the end-to-end tests and the benchmarks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { niced } from '../../platform/priority';
import { REPO_ROOT } from '../../platform/tools';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  baseUrl: string;
  child: ChildProcess;
  logFile: string;
  /** SIGINT (Ctrl-C) and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  logTail(lines?: number): string;
}

/** Runs an entry point (app/main.ts by default) the way `npm start` does, with the given environment. */
export async function startServiceProcess(options: {
  env: Record<string, string>;
  port: number;
  logFile: string;
  entry?: string;
  readyTimeoutMs?: number;
  /** Ready when the log shows this (for processes without HTTP, like a lone worker); default: GET /readyz answers 200. */
  readyLogLine?: string;
  /** Node's arguments instead of `--import tsx <entry>`: the compiled build runs as `node dist/...`. */
  nodeArgs?: string[];
  /** A lower CPU priority, every thread of the process (platform/priority.ts). */
  niceness?: number;
}): Promise<ServiceProcess> {
  const out = openSync(options.logFile, 'a');
  // One process, not the tsx launcher: the launcher forks the real node process, so a SIGKILL sent to it
  // would leave that child running (a "killed" worker that keeps polling).
  const run = niced(process.execPath, options.nodeArgs ?? ['--import', 'tsx', options.entry ?? 'app/main.ts'], options.niceness);
  const child = spawn(run.command, run.args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const logTail = (lines = 40) => readFileSync(options.logFile, 'utf8').split('\n').slice(-lines).join('\n');

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`the service exited (${exitCode}) before it was ready:\n${logTail()}`);
    if (options.readyLogLine) {
      if (readFileSync(options.logFile, 'utf8').includes(options.readyLogLine)) break;
    } else {
      try {
        const res = await fetch(`${baseUrl}/readyz`);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready in time:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    baseUrl,
    child,
    logFile: options.logFile,
    logTail,
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
