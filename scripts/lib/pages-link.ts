/**
 * `npm run pages:link`: a fresh one-time link to the applicant's pages, minted
 * over HTTP by a running service (POST /v1/accounts/{id}/sessions) with the
 * service key, for an account given or a new demo account.
 */
import { parseArgs } from 'node:util';
import { AccountId } from '../../api/http/schemas';
import { PAGE_LOCALES, type PageLocale } from '../../contracts/session';
import { EnvSchema } from '../../platform/config-env';
import { DEV_KEYS } from '../../platform/config-secrets';
import { demoAccountId } from '../../platform/ids';

export interface PagesLinkRequest {
  apiUrl: string;
  serviceKey: string;
  accountId: string;
  locale: PageLocale;
}

/** A refusal the person running the script can act on: its message is all they need to see. */
export class PagesLinkError extends Error {
  override name = 'PagesLinkError';
}

export const PAGES_LINK_USAGE = `usage: npm run pages:link [-- <accountId>] [--locale ${PAGE_LOCALES.join('|')}]
  API_URL          the running service (default http://127.0.0.1:<PORT>, PORT as npm start reads it: 3000)
  SERVICE_API_KEY  its service key (default ${DEV_KEYS.SERVICE_API_KEY}, the key npm start uses when it is not set)`;

const isLocale = (value: string): value is PageLocale => (PAGE_LOCALES as readonly string[]).includes(value);

/** What to mint and where, from the command line and the environment; refuses what cannot work, before any request. */
export function pagesLinkRequest(argv: string[], env: Record<string, string | undefined>): PagesLinkRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { locale: { type: 'string', default: 'zh-CN' } } });
  } catch (err) {
    throw new PagesLinkError(`${(err as Error).message}\n${PAGES_LINK_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new PagesLinkError(`one account at a time, not ${positionals.length}\n${PAGES_LINK_USAGE}`);
  const accountId = positionals[0] ?? demoAccountId();
  const id = AccountId.safeParse(accountId);
  if (!id.success) throw new PagesLinkError(`"${accountId}" is not an account id: ${id.error.issues[0]?.message}`);
  if (!isLocale(values.locale)) throw new PagesLinkError(`--locale must be one of ${PAGE_LOCALES.join(', ')}, not "${values.locale}"`);
  return { apiUrl: apiUrlOf(env), serviceKey: env.SERVICE_API_KEY || DEV_KEYS.SERVICE_API_KEY, accountId, locale: values.locale };
}

/** API_URL, or where `npm start` listens with the same environment. */
function apiUrlOf(env: Record<string, string | undefined>): string {
  if (!env.API_URL) {
    const port = EnvSchema.shape.PORT.safeParse(env.PORT);
    if (!port.success) throw new PagesLinkError(`PORT is not a port: "${env.PORT}"`);
    return `http://127.0.0.1:${port.data}`;
  }
  let url: URL;
  try {
    url = new URL(env.API_URL);
  } catch {
    throw new PagesLinkError(`API_URL is not a URL: "${env.API_URL}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PagesLinkError(`API_URL must be http or https, not "${env.API_URL}"`);
  return env.API_URL.replace(/\/+$/, '');
}

/** Mints the link; every way it can fail says what to do about it. */
export async function mintPagesLink(r: PagesLinkRequest): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${r.apiUrl}/v1/accounts/${encodeURIComponent(r.accountId)}/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.serviceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: r.locale }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const cause = ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message) || 'no answer';
    throw new PagesLinkError(`No service answers at ${r.apiUrl} (${cause}): start it with \`npm start\`, or set API_URL to where it runs.`);
  }
  const body = (await res.json().catch(() => undefined)) as { url?: unknown; detail?: unknown } | undefined;
  const detail = typeof body?.detail === 'string' ? `: ${body.detail}` : '';
  if (res.status === 401 || res.status === 403) {
    throw new PagesLinkError(`The service at ${r.apiUrl} refused the key (${res.status}${detail}). Set SERVICE_API_KEY to the service's key.`);
  }
  if (res.status !== 201 || typeof body?.url !== 'string') throw new PagesLinkError(`The service at ${r.apiUrl} minted no link (${res.status}${detail}).`);
  return body.url;
}
