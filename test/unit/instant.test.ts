import { describe, expect, it } from 'vitest';
import { iso } from '../../domain/instant';

describe('iso', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [Date.UTC(2026, 11, 14, 16, 0, 0, 5), '2026-12-14T16:00:00.005Z'],
    // China's midnight is the previous day in UTC: the text is always UTC.
    [Date.UTC(2026, 0, 1) - 8 * 3600_000, '2025-12-31T16:00:00.000Z'],
  ])('%d → %s', (ms, text) => {
    expect(iso(ms)).toBe(text);
  });
});
