import path from 'node:path';
import type { Express } from 'express';
import { serveStaticPage, staticPageCsp } from '../http/static-page';

/** Where the console's static files are: api/console/static in the sources, dist/api/console/static in the build (package.json "build" copies them). */
export const CONSOLE_DIR = path.join(__dirname, 'static');

/**
 * Chart.js's self-contained browser build (it defines `window.Chart`), for the funnel page's charts: served from the
 * installed package, so an upgrade is `npm update chart.js` and nothing is copied into the repository. The package
 * exports only its module entry points; the UMD file sits beside them in dist/.
 */
const CHART_DIR = path.dirname(require.resolve('chart.js'));
const CHART_FILE = 'chart.umd.min.js';

/**
 * The console's own Content-Security-Policy, replacing the API's (api/http/hardening.ts) on /console only: materials are
 * shown from blob: URLs the page makes from the bytes it fetched with its token, images (img-src blob:) and PDFs in
 * an <iframe> (frame-src blob:; the API's policy falls back to default-src 'self' and would block the frame).
 * No inline scripts or styles: the page sets none. Nothing else is loosened; object-src stays 'none'.
 */
const CONSOLE_CSP = staticPageCsp({ images: true, frames: true });

/**
 * GET /console: the reviewer console (API.md "Operator tools"), static files with no build step. The page itself is
 * public, as /docs is: everything it shows comes from the API with the reviewer's bearer token. A new release is
 * picked up on the next load; the files are small. Chart.js is the one file of another package it loads, at
 * /console/vendor/chart.js, and only on the funnel page.
 */
export function consoleRoutes(app: Express): void {
  app.get('/console/vendor/chart.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('text/javascript').sendFile(path.join(CHART_DIR, CHART_FILE));
  });
  serveStaticPage(app, '/console', CONSOLE_DIR, { 'Content-Security-Policy': CONSOLE_CSP, 'Cache-Control': 'no-cache' });
}
