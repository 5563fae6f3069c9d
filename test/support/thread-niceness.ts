import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of each thread of a process, its main thread first (Linux: /proc/<pid>/task/<tid>/stat, field 19). */
export function threadNiceness(pid: number): number[] {
  const tids = readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => (a === pid ? -1 : b === pid ? 1 : a - b));
  return tids.map((tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
}
