import { describe, expect, it } from 'vitest';
import { randomFen } from '../../domain/money';

// SPEC §4 / §4.1: the recharge amount and the remittance payout are random amounts of 0.01–0.99 yuan.
describe('randomFen', () => {
  it.each([
    [0, 1],
    [0.5, 50],
    [0.999999, 99],
  ])('a draw of %d gives %d fen', (random, fen) => {
    expect(randomFen(random)).toBe(fen);
  });
});
