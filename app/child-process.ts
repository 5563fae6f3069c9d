import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MALLOC_ENV } from '../platform/malloc-env';
import { niced } from '../platform/priority';
import { REPO_ROOT } from '../platform/tools';
import type { Running } from './supervisor';

/**
 * The worker and the API as processes of their own under `npm start`: the same entry points as `npm run worker` and
 * `npm run api`, each on its own event loop (and so its own core), with an IPC channel to the supervisor. Over it
 * the child says when it is ready (launch.ts), and through it the child learns that the supervisor is gone
 * (`disconnect`), so a killed `npm start` leaves no worker polling and no API holding its port.
 */
export interface ReadyMessage {
  type: 'ready';
  apiUrl: string | null;
}

export interface ServiceChild extends Running {
  pid: number;
  ready: ReadyMessage;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** From the sources (tsx), or from the build (node dist/…) when the supervisor itself runs built. */
function command(entry: 'worker' | 'api'): string[] {
  const built = path.join(__dirname, '..', entry, 'main.js');
  if (__filename.endsWith('.js') && existsSync(built)) return [built];
  return ['--import', 'tsx', path.join(REPO_ROOT, entry, 'main.ts')];
}

/**
 * The CPU priority (nice) of workflow work on one machine, the worker's and the dev server's, every thread of them:
 * below the API's, so a request never waits for a core behind it; they still get every core the API leaves idle.
 * (Compose: cpu_shares.)
 */
export const BACKGROUND_NICENESS = 5;

export function startChild(entry: 'worker' | 'api', env: Record<string, string>, readyTimeoutMs = 120_000): Promise<ServiceChild> {
  const run = niced(process.execPath, command(entry), entry === 'worker' ? BACKGROUND_NICENESS : 0);
  const child = spawn(run.command, run.args, {
    cwd: REPO_ROOT,
    env: { ...MALLOC_ENV, ...process.env, ...env, RNV_SUPERVISED: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const stop = async () => {
    if (done) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${entry} was not ready within ${readyTimeoutMs / 1000} s`));
    }, readyTimeoutMs);
    child.on('message', (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ pid: child.pid!, ready: message, exited, stop });
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the ${entry} exited before it was ready (${exit.code ?? exit.signal})`));
    });
  });
}
