import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointUrl, endpointUrlPattern } from '../../api/webhooks/routes';

/** A webhook endpoint's URL (API.md): http(s), no credentials, https only in production; the pattern is the whole rule. */
const accepts = (url: string, httpsOnly = false) => endpointUrl(httpsOnly).safeParse(url).success;

describe('webhook endpoint URLs', () => {
  it.each([
    'http://127.0.0.1:8080/hooks',
    'https://console.example.com/hooks/realname?source=prod',
    'https://a.b-c.example:443',
    'http://localhost/x#fragment',
  ])('accepts %s', (url) => {
    expect(accepts(url)).toBe(true);
  });

  it.each([
    ['another scheme', 'ftp://example.com/hooks'],
    ['credentials', 'https://user:pass@example.com/hooks'],
    ['a user alone', 'https://user@example.com/hooks'],
    ['no scheme', 'example.com/hooks'],
    ['an IPv4 octet over 255', 'http://1.2.3.999/'],
    ['a number for a host', 'http://12345/'],
    ['port 0', 'http://example.com:0/'],
    ['a port over 65535', 'http://example.com:65536/'],
    ['a space', 'http://example.com/a b'],
    ['a label ending in a hyphen', 'http://example-.com/'],
    // Hyphens in a label's 3rd and 4th places are reserved: `xn--0` is not punycode, and the URL parser refuses it.
    ['a label with reserved hyphens (punycode that is not)', 'http://xn--0.example.com/'],
    ['a last label with reserved hyphens', 'http://example.xn--0/'],
    // So an internationalised name is not taken in its xn-- form either (a regex cannot tell valid punycode).
    ['an internationalised name as punycode', 'https://xn--fiqs8s.example/hooks'],
    ['a 64-character label', `http://${'a'.repeat(64)}.com/`],
    ['over 2048 characters', `https://example.com/${'a'.repeat(2048)}`],
  ])('refuses %s', (_why, url) => {
    expect(accepts(url)).toBe(false);
  });

  it('takes https only in production', () => {
    expect(accepts('http://console.example.com/hooks', true)).toBe(false);
    expect(accepts('https://console.example.com/hooks', true)).toBe(true);
  });

  it('accepts only URLs that parse, to the host they name, without credentials', () => {
    fc.assert(
      fc.property(fc.stringMatching(endpointUrlPattern(false), { size: 'small' }), (url) => {
        fc.pre(url.length <= 2048);
        expect(accepts(url)).toBe(true);
        const parsed = new URL(url);
        expect(parsed.username + parsed.password).toBe('');
        expect(url.toLowerCase()).toContain(`//${parsed.host}`);
      }),
      { numRuns: 5000 },
    );
  });
});
