import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Express } from 'express';
import { serveCompressed } from '../http/compressed';
import { serveStaticPage, staticPageCsp } from '../http/static-page';
import { pagesScript } from './bundle';

/** Where the hosted pages' static files are: api/pages/static in the sources, dist/api/pages/static in the build (package.json "build" copies them). */
export const PAGES_DIR = path.join(__dirname, 'static');

/** The hosted pages' own Content-Security-Policy (SPEC §13): the strict one, nothing loosened (a framed page could be clicked through). */
const PAGES_CSP = staticPageCsp();

/** What the page needs to know of the service it runs on: whether the sandbox phone can play the person's phone. */
export interface PagesConfig {
  sandbox: boolean;
}

/**
 * GET /apply: the applicant's pages. The page is public; what it shows comes from the API with the browser session the
 * link's token is exchanged for. The link's token is in the fragment, never sent; no-referrer keeps the page's own
 * address out of other sites' logs too. The script is the Preact app of api/pages/app, bundled once per process.
 * The script and the stylesheet, nearly all the first page's bytes, are sent compressed (issue 27: under 150 kB).
 */
export function pageRoutes(app: Express, config: PagesConfig): void {
  const headers = { 'Content-Security-Policy': PAGES_CSP, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' };
  serveCompressed(app, '/apply/app.js', { type: 'text/javascript', headers, load: pagesScript });
  serveCompressed(app, '/apply/apply.css', { type: 'text/css', headers, load: () => readFile(path.join(PAGES_DIR, 'apply.css'), 'utf8') });
  app.get('/apply/config.json', (_req, res) => {
    res.set(headers).json(config);
  });
  serveStaticPage(app, '/apply', PAGES_DIR, headers);
}
