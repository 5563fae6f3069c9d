import path from 'node:path';
import type { Express } from 'express';
import { serveStaticPage, staticPageCsp } from '../http/static-page';

/** Where the hosted pages' static files are: api/pages/static in the sources, dist/api/pages/static in the build (package.json "build" copies them). */
export const PAGES_DIR = path.join(__dirname, 'static');

/** The hosted pages' own Content-Security-Policy (SPEC §13): the strict one, nothing loosened (a framed page could be clicked through). */
const PAGES_CSP = staticPageCsp();

/**
 * GET /apply: the applicant's pages (first piece: the door). The page is public; what it shows comes from the API with
 * the browser session the link's token is exchanged for. The link's token is in the fragment, never sent; no-referrer
 * keeps the page's own address out of other sites' logs too.
 */
export function pageRoutes(app: Express): void {
  serveStaticPage(app, '/apply', PAGES_DIR, { 'Content-Security-Policy': PAGES_CSP, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' });
}
