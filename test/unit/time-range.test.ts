import { describe, expect, it } from 'vitest';
import { MAX_RANGE_DAYS, timeRangeErrors } from '../../domain/time-range';

const at = (iso: string) => new Date(iso);

describe('a report time range [from, to)', () => {
  it.each([
    ['a day', '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', []],
    ['one millisecond', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.001Z', []],
    ['exactly the longest', '2026-01-01T00:00:00Z', '2027-01-02T00:00:00Z', []],
    ['one millisecond too long', '2026-01-01T00:00:00.000Z', '2027-01-02T00:00:00.001Z', ['to']],
    ['empty', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', ['to']],
    ['backwards', '2026-12-02T00:00:00Z', '2026-12-01T00:00:00Z', ['to']],
    ['offsets compared as instants', '2026-12-01T08:00:00+08:00', '2026-12-01T00:00:01Z', []],
  ])('%s', (_name, from, to, paths) => {
    expect(timeRangeErrors(at(from), at(to)).map((e) => e.path)).toEqual(paths);
  });

  it('names the bound it breaks', () => {
    expect(timeRangeErrors(at('2026-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'))[0]!.message).toContain(String(MAX_RANGE_DAYS));
    expect(timeRangeErrors(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), 1)).toHaveLength(1);
  });
});
