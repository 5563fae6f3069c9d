import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../platform/expiring-cache';

describe('ExpiringCache', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  it('answers a value until its time is up, null included', () => {
    const time = clock();
    const cache = new ExpiringCache<string, string | null>(10, 100, time.now);
    cache.set('a', 'A');
    cache.set('erased', null);
    time.advance(9);
    expect([cache.get('a'), cache.get('erased'), cache.get('never')]).toEqual(['A', null, undefined]);
    time.advance(1);
    expect([cache.get('a'), cache.get('erased')]).toEqual([undefined, undefined]);
  });

  it('drops the expired entries as new ones come: it holds what the last ttl used, not everything ever set', () => {
    const time = clock();
    const cache = new ExpiringCache<number, number>(10, 1_000, time.now);
    for (let i = 0; i < 500; i++) {
      cache.set(i, i);
      time.advance(1);
    }
    // Those set at t = 491..499 live past 500 (each for 10 ms); the one set now is the tenth.
    cache.set(500, 500);
    expect(cache.size).toBe(10);
    expect(cache.get(490)).toBeUndefined();
    expect(cache.get(491)).toBe(491);
  });

  it('a value set again lives from then, and is not dropped with those set when it first was', () => {
    const time = clock();
    const cache = new ExpiringCache<string, number>(10, 100, time.now);
    cache.set('a', 1);
    cache.set('b', 2);
    time.advance(5);
    cache.set('a', 3);
    time.advance(6);
    cache.set('c', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([3, undefined, 4, 2]);
  });

  it('never holds more than its bound: the oldest go first', () => {
    const cache = new ExpiringCache<number, number>(60_000, 3, () => 0);
    for (let i = 0; i < 5; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => cache.get(i))).toEqual([undefined, undefined, 2, 3, 4]);
  });
});
