import { describe, it, expect } from 'vitest';
import { fenToYuan, parseYuan } from '../../domain/money';

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [37, '0.37'],
    [99, '0.99'],
    [100, '1.00'],
    [12345, '123.45'],
    [100000000, '1000000.00'],
    [-1, '-0.01'],
    [-37, '-0.37'],
    [-12345, '-123.45'],
  ])('%i fen → %s', (fen, expected) => {
    expect(fenToYuan(fen)).toBe(expected);
  });

  it.each([[0.5], [37.1], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('rejects %d', (fen) => {
    expect(() => fenToYuan(fen)).toThrow(/safe integer/);
  });
});

describe('parseYuan', () => {
  it.each([
    ['0.37', 37],
    ['1', 100],
    ['1.5', 150],
    ['12.30', 1230],
    ['0.01', 1],
    ['0.1', 10],
    ['0', 0],
    ['0.00', 0],
    // each of these is off by one fen with Math.floor(parseFloat(x) * 100)
    ['0.29', 29],
    ['1.13', 113],
    ['4.35', 435],
    ['123456789.99', 12345678999],
  ])('%j → %i fen', (text, expected) => {
    expect(parseYuan(text)).toBe(expected);
  });

  it.each([
    ['three decimals', '0.371'],
    ['three decimals, trailing zero', '1.000'],
    ['bare trailing dot', '1.'],
    ['bare leading dot', '.5'],
    ['negative', '-1'],
    ['plus sign', '+1'],
    ['exponent', '1e2'],
    ['leading space', ' 1'],
    ['trailing space', '1 '],
    ['decimal comma', '1,5'],
    ['thousands separator', '1,000.00'],
    ['leading zero', '01.50'],
    ['empty', ''],
    ['letters', 'abc'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['hex', '0x10'],
    ['full-width digits', '０.３７'],
    ['currency sign', '¥1.00'],
    ['beyond safe integer fen', '99999999999999999'],
  ])('rejects %s (%j)', (_label, text) => {
    expect(parseYuan(text)).toBeNull();
  });

  it.each([['0.37'], ['123.45'], ['0.01'], ['1000000.00']])('round-trips %s', (text) => {
    const fen = parseYuan(text);
    expect(fen).not.toBeNull();
    expect(fenToYuan(fen as number)).toBe(text);
  });
});
