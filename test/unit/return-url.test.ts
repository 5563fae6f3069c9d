import { describe, expect, it } from 'vitest';
import { returnOriginProblem, returnUrlAllowed } from '../../domain/return-url';

/** SESSION_RETURN_ORIGINS and a session's returnUrl (API.md "Hosted pages"): exact origins only, never an open redirect. */
const ALLOWED = ['https://console.example.com', 'http://127.0.0.1:3000'];

describe('returnUrlAllowed', () => {
  it.each([
    'https://console.example.com/done',
    'https://console.example.com',
    'https://console.example.com:443/verify?step=2#top',
    'http://127.0.0.1:3000/apply',
  ])('accepts %s', (url) => {
    expect(returnUrlAllowed(url, ALLOWED)).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example.com/done'],
    ['a host that only starts like an allowed one', 'https://console.example.com.evil.example/done'],
    ['a subdomain of an allowed host', 'https://a.console.example.com/'],
    ['http on an https origin', 'http://console.example.com/done'],
    ['another port', 'https://console.example.com:8443/done'],
    ['another port on loopback', 'http://127.0.0.1:3001/'],
    ['credentials that dress another host up', 'https://console.example.com@evil.example/'],
    ['credentials on an allowed host', 'https://user:pass@console.example.com/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', '/done'],
    ['a scheme-relative URL', '//console.example.com/done'],
    ['not a URL', 'console.example.com'],
  ])('refuses %s', (_why, url) => {
    expect(returnUrlAllowed(url, ALLOWED)).toBe(false);
  });

  it('refuses everything when no origin is listed', () => {
    expect(returnUrlAllowed('https://console.example.com/done', [])).toBe(false);
  });
});

describe('returnOriginProblem', () => {
  it.each([
    ['https://console.example.com', false],
    ['https://console.example.com/', false],
    ['http://localhost:5173', false],
    ['https://console.example.com:8443', true],
  ])('accepts %s (https only: %s)', (entry, httpsOnly) => {
    expect(returnOriginProblem(entry, { httpsOnly })).toBeUndefined();
  });

  it.each([
    ['a path', 'https://console.example.com/done', false, /without a path/],
    ['a query', 'https://console.example.com?x=1', false, /without a path/],
    ['credentials', 'https://u:p@console.example.com', false, /without a path/],
    ['http in production', 'http://console.example.com', true, /https origins only/],
    ['another scheme', 'ftp://console.example.com', false, /only http and https/],
    ['not a URL', 'console.example.com', false, /not a URL/],
  ])('refuses %s', (_why, entry, httpsOnly, message) => {
    expect(returnOriginProblem(entry, { httpsOnly })).toMatch(message);
  });
});
