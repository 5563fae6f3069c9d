import { describe, expect, it } from 'vitest';
import { waitUntilActedOn, type ProcessedWatch, type Seen } from '../../api/sandbox/processed';

/**
 * A watch over a scripted row: `rows[i]` is what the i-th read sees (the last one repeats).
 * Each Query is recorded with its time and the number of reads made before it.
 */
function scripted(rows: Seen[], answer: (asked: number) => boolean = () => false) {
  const asked: number[] = [];
  const askedAtRead: number[] = [];
  let reads = 0;
  const started = Date.now();
  const watch: ProcessedWatch = {
    row: async () => rows[Math.min(reads++, rows.length - 1)]!,
    askRun: async () => {
      asked.push(Date.now() - started);
      askedAtRead.push(reads);
      return answer(asked.length);
    },
    ended: async () => true,
  };
  return { watch, asked, askedAtRead, reads: () => reads };
}

const open = (revision: number): Seen => ({ status: 'in_progress', revision });

describe('the sandbox waiting until a process acted on its event', () => {
  it('a row that shows the outcome answers at once, without asking the workflow', async () => {
    const { watch, asked, reads } = scripted([{ status: 'verified', revision: 3 }]);
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 5000)).resolves.toBe(true);
    expect(asked).toEqual([]);
    expect(reads()).toBe(1);
  });

  it('a row that closes while it waits answers without asking the workflow', async () => {
    const { watch, asked } = scripted([open(1), open(1), { status: 'failed', revision: 2 }]);
    await expect(waitUntilActedOn(watch, 'evt_1', 'change/chg_12345678', 5000)).resolves.toBe(true);
    expect(asked).toEqual([]);
  });

  it('a row that moved (a step written) is confirmed by one Query', async () => {
    const { watch, askedAtRead } = scripted([open(1), open(2)], (n) => n === 1);
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 5000)).resolves.toBe(true);
    // Asked right after the read that saw the new revision, not at the 200 ms cadence.
    expect(askedAtRead).toEqual([2]);
  });

  it('an event that writes nothing is confirmed by a Query after 200 ms, then after twice as long each time, not every poll', async () => {
    const { watch, asked, askedAtRead } = scripted([open(1)], (n) => n === 2);
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 5000)).resolves.toBe(true);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toBeGreaterThanOrEqual(195);
    expect(asked[1]! - asked[0]!).toBeGreaterThanOrEqual(395);
    expect(askedAtRead[1]! - askedAtRead[0]!).toBeGreaterThan(1);
  });

  it('a reference without a row is asked on every poll', async () => {
    const { watch, askedAtRead } = scripted([null], (n) => n === 3);
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 5000)).resolves.toBe(true);
    expect(askedAtRead).toEqual([1, 2, 3]);
  });

  it('bounds every Query by the wait\'s own deadline', async () => {
    const deadlines: number[] = [];
    const watch: ProcessedWatch = {
      row: async () => open(1),
      askRun: async (_ref, _evt, deadline) => {
        deadlines.push(deadline);
        return deadlines.length === 2;
      },
      ended: async () => true,
    };
    const t0 = Date.now();
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 5000)).resolves.toBe(true);
    expect(deadlines).toHaveLength(2);
    for (const d of deadlines) expect(Math.abs(d - (t0 + 5000))).toBeLessThan(100);
  });

  it('gives up after the timeout', async () => {
    const { watch, asked } = scripted([open(1)]);
    const t0 = Date.now();
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 450)).resolves.toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    // At 200 ms; the next would be 400 ms later, past the timeout.
    expect(asked).toHaveLength(1);
  });

  it('reads the row at once, then less often the longer the run takes', async () => {
    const { watch, reads } = scripted([open(1)]);
    await expect(waitUntilActedOn(watch, 'evt_1', 'verification/ver_12345678', 2000)).resolves.toBe(false);
    // Every 50 ms would be 40 reads; 50 ms growing by half each time up to 400 ms is 9 in two seconds.
    expect(reads()).toBeGreaterThanOrEqual(8);
    expect(reads()).toBeLessThanOrEqual(11);
  });

  it('a refund is acted on when its workflow ends', async () => {
    const { watch, asked, reads } = scripted([open(1)]);
    await expect(waitUntilActedOn(watch, 'evt_1', 'refund/tr_1', 5000)).resolves.toBe(true);
    expect(asked).toEqual([]);
    expect(reads()).toBe(0);
  });
});
