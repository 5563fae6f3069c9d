import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomFen } from '../../workflows/recharge';

afterEach(() => {
  vi.restoreAllMocks();
});

// SPEC §4 / §4.1: the recharge amount and the remittance payout are random amounts of 0.01–0.99 yuan.
describe('randomFen', () => {
  it.each([
    [0, 1],
    [0.5, 50],
    [0.999999, 99],
  ])('Math.random() = %d draws %d fen', (random, fen) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    expect(randomFen()).toBe(fen);
  });
});
