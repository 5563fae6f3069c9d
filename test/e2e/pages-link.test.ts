import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../platform/tools';
import { freePort } from '../../scripts/lib/processes';
import { mintPagesLink, pagesLinkRequest } from '../../scripts/lib/pages-link';
import { http, uniqueAccount } from '../support/http';

/**
 * `npm run pages:link` against the running stack: it prints a link that opens the account's pages (or a new demo
 * account's), and says what to do when no service answers or the key is refused, or the arguments cannot work.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const run = promisify(execFile);

const exchange = (url: string) => api.post('/v1/sessions/exchange', { token: new URL(url).hash.replace(/^#t=/, '') }, { token: null });

describe('npm run pages:link', () => {
  it('prints a link to the given account’s pages in the language asked for, which the page exchanges', async () => {
    const accountId = uniqueAccount('link');
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'pages:link', '--', accountId, '--locale', 'en'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', API_URL: `${baseUrl}/` },
    });
    expect(stdout).toMatch(new RegExp(`^${baseUrl}/apply#t=[A-Za-z0-9_-]{43}\\n$`));
    expect(stderr).toContain(`account ${accountId} (en)`);
    const opened = await exchange(stdout.trim());
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ accountId, locale: 'en' });
  });

  it('mints for a new demo account when none is given', async () => {
    const request = pagesLinkRequest([], { API_URL: baseUrl });
    expect(request).toMatchObject({ accountId: expect.stringMatching(/^demo-[0-9a-f]{12}$/), locale: 'zh-CN', serviceKey: 'dev-service-key' });
    expect(pagesLinkRequest([], { API_URL: baseUrl }).accountId).not.toBe(request.accountId);
    expect((await exchange(await mintPagesLink(request))).body).toMatchObject({ accountId: request.accountId, locale: 'zh-CN' });
  });

  it('says so when no service answers, or the service refuses the key', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(mintPagesLink(pagesLinkRequest(['acct-1'], { API_URL: nobody }))).rejects.toThrow(new RegExp(`^No service answers at ${nobody} \\(ECONNREFUSED\\): start it with \`npm start\``));
    await expect(mintPagesLink(pagesLinkRequest(['acct-1'], { API_URL: baseUrl, SERVICE_API_KEY: 'not-the-key' }))).rejects.toThrow(/refused the key \(401: .*\)\. Set SERVICE_API_KEY/);
  });

  it('finds npm start where it listens, and refuses arguments that cannot work before any request', () => {
    expect(pagesLinkRequest(['acct-1'], {}).apiUrl).toBe('http://127.0.0.1:3000');
    expect(pagesLinkRequest(['acct-1'], { PORT: '3100', SERVICE_API_KEY: 'k' })).toMatchObject({ apiUrl: 'http://127.0.0.1:3100', serviceKey: 'k' });
    expect(() => pagesLinkRequest(['acct 1'], {})).toThrow(/"acct 1" is not an account id/);
    expect(() => pagesLinkRequest(['a', 'b'], {})).toThrow(/one account at a time/);
    expect(() => pagesLinkRequest(['--locale', 'fr'], {})).toThrow(/--locale must be one of zh-CN, en/);
    expect(() => pagesLinkRequest([], { API_URL: 'ftp://x' })).toThrow(/API_URL must be http or https/);
    expect(() => pagesLinkRequest([], { PORT: 'eighty' })).toThrow(/PORT is not a port/);
  });
});
