import path from 'node:path';
import type { Express } from 'express';
import { serveStaticPage, staticPageCsp } from '../http/static-page';

/** Where the console's static files are: api/console/static in the sources, dist/api/console/static in the build (package.json "build" copies them). */
export const CONSOLE_DIR = path.join(__dirname, 'static');

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
 * picked up on the next load; the files are small.
 */
export function consoleRoutes(app: Express): void {
  serveStaticPage(app, '/console', CONSOLE_DIR, { 'Content-Security-Policy': CONSOLE_CSP, 'Cache-Control': 'no-cache' });
}
