import { describe, expect, it } from 'vitest';
import { parseYuan } from '../../domain/money';
import { PAGE_CURSOR } from '../../store/paging';
import { ListQuery } from '../../api/http/schemas';
import { RemittanceAmountBody } from '../../api/verifications/schemas';
import { nonBlankText, text, trimmedLengthPattern, trimmedText } from '../../api/http/text';

/**
 * The document's patterns and the server's checks are one test: for every
 * value, what the declared pattern (ECMA-262, `u` flag, as JSON Schema reads
 * it) admits is what zod accepts, and lengths count characters (code points)
 * as JSON Schema does, not UTF-16 units.
 */
const declared = (pattern: string) => new RegExp(pattern, 'u');
const emoji = '😀';

describe('trimmedText(2, 50): 2-50 characters once trimmed', () => {
  const schema = trimmedText(2, 50);
  const pattern = declared(trimmedLengthPattern(2, 50));

  it.each([
    ['ab', 'ab'],
    ['  张三  ', '张三'],
    ['\u3000王五\u3000', '王五'],
    ['\t\nab\r\n', 'ab'],
    ['a b', 'a b'],
    ['字'.repeat(50), '字'.repeat(50)],
    [emoji.repeat(50), emoji.repeat(50)],
    [`  ${'x'.repeat(50)}  `, 'x'.repeat(50)],
  ])('accepts %j as %j', (raw, trimmed) => {
    expect(pattern.test(raw)).toBe(true);
    expect(schema.parse(raw)).toBe(trimmed);
  });

  it.each([
    ['a'],
    [' a '],
    ['\u3000a\u00a0'],
    ['\ufeffa\ufeff'],
    ['x'.repeat(51)],
    [emoji.repeat(51)],
    ['   '],
    [''],
    ['a\u0000b'],
  ])('refuses %j, as its pattern says', (raw) => {
    expect(pattern.test(raw)).toBe(false);
    expect(schema.safeParse(raw).success).toBe(false);
  });

  it('refuses a lone surrogate, which is no character', () => {
    expect(schema.safeParse('a\ud83db').success).toBe(false);
    expect(schema.safeParse(`a${emoji}b`).success).toBe(true);
  });

  it('trims exactly what its pattern calls space (String.prototype.trim)', () => {
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      const raw = `${ch}ab${ch}`;
      if (c === 0) expect(schema.safeParse(raw).success).toBe(false);
      else expect(pattern.test(raw) && schema.parse(raw) === (ch.trim() === '' ? 'ab' : raw), `U+${c.toString(16)}`).toBe(true);
    }
  });
});

describe('trimmedText with min 0 and 1', () => {
  it.each([
    [0, '', true],
    [0, '   ', true],
    [1, '   ', false],
    [1, ' a ', true],
    [1, 'a'.repeat(40), true],
    [1, 'a'.repeat(41), false],
  ])('min %i: %j → %s', (min, raw, ok) => {
    expect(declared(trimmedLengthPattern(min, 40)).test(raw)).toBe(ok);
    expect(trimmedText(min, 40).safeParse(raw).success).toBe(ok);
  });
});

describe('text and nonBlankText count characters, not UTF-16 units', () => {
  it.each([
    [text(3), emoji.repeat(3), true],
    [text(3), emoji.repeat(4), false],
    [text(3), 'a\u0000', false],
    [nonBlankText(3, 'required'), '   ', false],
    [nonBlankText(3, 'required'), ` ${emoji} `, true],
  ])('%#: %j → %s', (schema, raw, ok) => {
    expect(schema.safeParse(raw).success).toBe(ok);
  });
});

describe('remittance amount: the pattern admits what parseYuan reads as more than zero', () => {
  it.each(['0.37', '1', '1.5', '0.01', '0.1', '0.10', '12.34', ' 0.37 ', '0', '0.0', '0.00', '01', '1.234', '-1', '1e2', '.5', '1.', '+1', '１', '9999999999999.99', '10000000000000'])(
    '%j',
    (amount) => {
      const accepted = RemittanceAmountBody.safeParse({ amount }).success;
      const fen = parseYuan(amount.trim());
      expect(accepted).toBe(fen !== null && fen >= 1 && amount.trim().split('.')[0]!.length <= 13);
    },
  );
});

describe('list queries', () => {
  it.each([
    ['1764755507123.ver_AbC123', true],
    ['0.x', true],
    ['999999999999999.msg_1', true],
    ['garbage', false],
    ['1764755507123', false],
    ['1764755507123.', false],
    ['1234567890123456.ver_x', false],
    ['1.ver-x', false],
  ])('cursor %j → %s (every cursor of this form is a position, none is refused)', (cursor, ok) => {
    expect(PAGE_CURSOR.test(cursor)).toBe(ok);
    expect(ListQuery.safeParse({ cursor }).success).toBe(ok);
  });

  it('caps a large limit at 100 and refuses one past the exact integers', () => {
    expect(ListQuery.parse({ limit: '1000' }).limit).toBe(100);
    expect(ListQuery.parse({ limit: String(Number.MAX_SAFE_INTEGER) }).limit).toBe(100);
    expect(ListQuery.safeParse({ limit: '1e300' }).success).toBe(false);
  });
});
