import { describe, expect, it } from 'vitest';
import { nextRestartDelay, RESTART_MAX_MS, RESTART_MIN_MS, supervise, type Running } from '../../app/supervisor';
import { createLogger } from '../../platform/logger';

/** npm start's supervisor (app/supervisor.ts): a part that exits on its own is started again; stopping is final. */
const logger = createLogger('silent');

describe('the pause before a restart', () => {
  it.each([
    ['the first restart', RESTART_MIN_MS / 2, 100, RESTART_MIN_MS],
    ['doubles while it keeps failing', 4_000, 100, 8_000],
    ['at most 30 s', 20_000, 100, RESTART_MAX_MS],
    ['stays at 30 s', RESTART_MAX_MS, 5_000, RESTART_MAX_MS],
    ['back to 1 s after a minute up', RESTART_MAX_MS, 60_000, RESTART_MIN_MS],
  ])('%s', (_case, last, ran, expected) => {
    expect(nextRestartDelay(last, ran)).toBe(expected);
  });
});

/** A part whose exit the test decides. */
function fakePart(log: string[], n: number): Running & { die(): void } {
  let die: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (die = resolve));
  log.push(`start ${n}`);
  return {
    exited,
    die,
    stop: async () => {
      log.push(`stop ${n}`);
      die();
    },
  };
}

describe('supervise', () => {
  it('starts a part again when it exits on its own, and never after stop', async () => {
    const log: string[] = [];
    let n = 0;
    const restarted: number[] = [];
    const part = await supervise('part', async () => fakePart(log, ++n), logger, () => restarted.push(n));
    part.current.die();
    await expect.poll(() => restarted, { timeout: 5_000 }).toEqual([2]);
    expect(log).toEqual(['start 1', 'start 2']);
    await part.stop();
    expect(log).toEqual(['start 1', 'start 2', 'stop 2']);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(n).toBe(2);
  });

  it('fails the caller when the first start fails', async () => {
    await expect(supervise('part', () => Promise.reject(new Error('no binaries')), logger)).rejects.toThrow('no binaries');
  });

  it('a stop during the pause before a restart starts nothing', async () => {
    const log: string[] = [];
    let n = 0;
    const part = await supervise('part', async () => fakePart(log, ++n), logger);
    part.current.die();
    await new Promise((r) => setTimeout(r, 100));
    await part.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(n).toBe(1);
  });
});
