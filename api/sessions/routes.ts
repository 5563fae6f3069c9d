import { PageSessionLinkSchema, PageSessionSchema, type PageSession } from '../../contracts/session';
import { defineRoute, type RouteDeps } from '../http/route';
import { AccountParams } from '../http/schemas';
import { CSRF_HEADER, PAGE_COOKIE } from '../http/page-cookie';
import { ExchangeBody, MintSessionBody } from './schemas';
import type { SessionService } from './service';

/** The hosted pages' door (API.md "Hosted pages", SPEC §13): the console's backend mints a link, the browser exchanges it. */
export function sessionRoutes(deps: RouteDeps, sessions: SessionService): void {
  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/sessions',
    summary: 'A one-time link to the applicant’s pages for the account',
    description:
      'Redirect the account’s user to `url`: it works once, within 1 hour, and opens a browser session of 24 hours that can do only what the account’s own token could. Mint a new one any time. A replayed Idempotency-Key mints a fresh link (a link is a credential: it is never stored for replay).',
    tags: ['hosted pages'],
    auth: ['service'],
    params: AccountParams,
    body: MintSessionBody,
    idempotent: 'rerun',
    audit: { action: 'page_session.minted' },
    responses: {
      201: { description: 'The link', schema: PageSessionLinkSchema },
      409: { description: 'ACCOUNT_CLOSED: the account was closed' },
      422: { description: 'VALIDATION_FAILED: returnUrl is not on an origin in SESSION_RETURN_ORIGINS' },
    },
    handler: async ({ params, body }) => ({ status: 201, body: await sessions.mint(params.accountId, body) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/sessions/exchange',
    summary: 'The page’s side: spend a link’s token for a browser session',
    description: `Called by the page at /apply with the token from the link’s fragment. Sets the HttpOnly, SameSite=Strict cookie ${PAGE_COOKIE} (Secure behind https), which then authenticates as the account’s own token where no Authorization header is sent; requests that change something must also send ${CSRF_HEADER} with the csrfToken answered here. Limited per client address like other unauthenticated routes.`,
    tags: ['hosted pages'],
    auth: 'public',
    body: ExchangeBody,
    // The caller has no token: the event names the account whose session opened, acting as its own token from now on.
    audit: {
      action: 'page_session.opened',
      actor: (answer) => ({ role: 'account', accountId: (answer as PageSession).accountId }),
      resource: (_request, answer) => ({ kind: 'account', id: (answer as PageSession).accountId }),
    },
    responses: {
      200: { description: 'The browser session (and its cookie, in Set-Cookie)', schema: PageSessionSchema },
      410: { description: 'PAGE_LINK_INVALID: the link was used already, expired (1 hour) or never existed (`reason`: used, expired, unknown; `locale`: the link’s language, when it existed); the person asks for a new link' },
    },
    handler: async ({ body }) => {
      const { session, setCookie } = await sessions.exchange(body.token);
      return { status: 200, body: session, headers: { 'Set-Cookie': setCookie, 'Cache-Control': 'no-store' } };
    },
  });
}
