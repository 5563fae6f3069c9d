import { describe, it, expect } from 'vitest';
import { nameLength, normalizeName, sameIndividual } from '../../domain/identity-match';

const DECOMPOSED_JOSE = 'Jose\u0301'; // e + combining acute
const PRECOMPOSED_JOSE = 'Jos\u00e9';

describe('normalizeName', () => {
  it.each([
    ['张三', '张三'],
    ['  张三\t', '张三'],
    ['\u3000张三\u3000', '张三'],
    ['John   Smith', 'John Smith'],
    ['John\u3000Smith', 'John Smith'],
    ['John \t\n Smith', 'John Smith'],
    [DECOMPOSED_JOSE, PRECOMPOSED_JOSE],
    ['Zhang San', 'Zhang San'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeName(raw)).toBe(expected);
  });
});

describe('nameLength', () => {
  it.each([
    ['张三', 2],
    ['欧阳小明', 4],
    [' 张三 ', 2],
    ['𠀀三', 2], // U+20000 is two UTF-16 units but one character
    [DECOMPOSED_JOSE, 4],
    ['John   Smith', 10],
    ['张', 1],
    ['', 0],
  ])('%j → %i', (raw, expected) => {
    expect(nameLength(raw)).toBe(expected);
  });
});

describe('sameIndividual', () => {
  const base = { realName: '张三', idNumber: '11010519491231002X' };

  it.each([
    ['identical', { realName: '张三', idNumber: '11010519491231002X' }],
    ['lower-case x', { realName: '张三', idNumber: '11010519491231002x' }],
    ['spaces in the ID number', { realName: '张三', idNumber: ' 110105 19491231 002X ' }],
    ['surrounding whitespace in the name', { realName: ' 张三\u3000', idNumber: '11010519491231002X' }],
  ])('matches: %s', (_label, other) => {
    expect(sameIndividual(base, other)).toBe(true);
    expect(sameIndividual(other, base)).toBe(true);
  });

  it.each([
    ['another name', { realName: '张四', idNumber: '11010519491231002X' }],
    ['a longer name', { realName: '张三丰', idNumber: '11010519491231002X' }],
    ['space inside the name', { realName: '张 三', idNumber: '11010519491231002X' }],
    ['ID number off by one digit', { realName: '张三', idNumber: '11010519491231003X' }],
    ['ID number truncated', { realName: '张三', idNumber: '11010519491231002' }],
  ])('does not match: %s', (_label, other) => {
    expect(sameIndividual(base, other)).toBe(false);
  });

  it.each([
    ['NFC vs NFD', { realName: PRECOMPOSED_JOSE, idNumber: 'H12345678' }, { realName: DECOMPOSED_JOSE, idNumber: 'h12345678' }, true],
    ['collapsed whitespace', { realName: 'John Smith', idNumber: '12345678' }, { realName: 'John   Smith', idNumber: '12345678' }, true],
    ['missing space', { realName: 'John Smith', idNumber: '12345678' }, { realName: 'JohnSmith', idNumber: '12345678' }, false],
    ['letter case of a name', { realName: 'John Smith', idNumber: '12345678' }, { realName: 'john smith', idNumber: '12345678' }, false],
  ])('Latin names: %s → %s', (_label, a, b, expected) => {
    expect(sameIndividual(a, b)).toBe(expected);
  });
});
