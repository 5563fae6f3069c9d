import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../api/http/idempotency';

describe('idempotency request hash', () => {
  it('does not depend on key order or whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' } })).toBe('{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash('POST', '/v1/x', { a: 1, b: 2 })).toBe(requestHash('POST', '/v1/x', { b: 2, a: 1 }));
  });

  it.each([
    ['another value', { a: 2 }],
    ['another key', { b: 1 }],
    ['an array order', { a: [2, 1] }],
  ])('changes with %s', (_label, other) => {
    expect(requestHash('POST', '/v1/x', { a: 1 })).not.toBe(requestHash('POST', '/v1/x', other));
  });

  it('changes with the path: one key cannot be replayed against another account', () => {
    expect(requestHash('POST', '/v1/accounts/a/verifications', {})).not.toBe(requestHash('POST', '/v1/accounts/b/verifications', {}));
  });
});
