import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary directory), so a
 * fault test can stop and restart it without touching the machine's shared
 * server. Run as the `postgres` user when the tests run as root.
 */
export interface PrivatePostgres {
  url: string;
  /** Stops it the hard way (as a crash would) and starts it again on the same port and data. */
  restart(): void;
  /** Stops it the hard way (as a crash would); `start` brings it back on the same port and data. */
  stop(): void;
  start(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().pop() : undefined;
  if (!version) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) are not installed under /usr/lib/postgresql');
  return path.join(root, version, 'bin');
}

export function startPrivatePostgres(dir: string, port: number): PrivatePostgres {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe' }) : execFileSync(path.join(bin, tool), args, { stdio: 'pipe' });
  mkdirSync(dir, { recursive: true });
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = () => run('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    restart() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      start();
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
}
