import { readdirSync, readFileSync } from 'node:fs';

/**
 * The dev server and PostgreSQL run in process groups of their own under `npm start` (Ctrl-C reaches the supervisor,
 * which stops them last), so a supervisor killed outright leaves them running. The next start finds them here and
 * tells those left behind from those another running `npm start` still uses. Linux (/proc); elsewhere nothing is
 * found, and nothing is stopped.
 */

/** The command line of a process, words joined by spaces ('' when it is gone). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * What started a live process, when that is still a running `npm start` (its parent's command line names app/main);
 * null for one whose supervisor is gone (handed to init or a subreaper).
 */
export function runningSupervisorOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = commandOf(ppid);
    return /app\/main/.test(command) ? command : null;
  } catch {
    // The process or its parent is gone: left behind. Without /proc (not Linux) nothing can be told: leave it alone.
    return process.platform === 'linux' ? null : 'a process this platform cannot name';
  }
}

/** The live processes whose command line contains `needle` (none where there is no /proc). */
export function processesRunning(needle: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid).map(Number).filter((pid) => commandOf(pid).includes(needle));
}

/** Whether a process of this pid is running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` and waits until the process is gone; false if it is still there after `timeoutMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<boolean> {
  if (!isAlive(pid)) return true;
  process.kill(pid, signal);
  for (const deadline = Date.now() + timeoutMs; isAlive(pid); ) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
