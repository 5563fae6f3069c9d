import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A command to spawn at a lower CPU priority (nice `niceness`) from its first instruction: run through nice(1), so
 * every thread it ever starts inherits the priority. Lowering a process once it runs (setpriority on its pid) is not
 * the same on Linux, where a nice value belongs to each thread: it changes only the main thread, and the threads the
 * process had started by then (V8's, the Temporal core's, the Go runtime's of the dev server), and the threads those
 * start, keep the default. Unchanged where there is no nice(1) (Windows), or for niceness 0.
 */
export function niced(command: string, args: readonly string[], niceness: number | undefined): { command: string; args: string[] } {
  const nice = niceness ? niceBinary() : null;
  return nice ? { command: nice, args: ['-n', String(niceness), command, ...args] } : { command, args: [...args] };
}

let found: string | null | undefined;

function niceBinary(): string | null {
  if (found !== undefined) return found;
  if (process.platform === 'win32') return (found = null);
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/bin'].filter(Boolean);
  return (found = dirs.map((dir) => path.join(dir, 'nice')).find((file) => existsSync(file)) ?? null);
}
