import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/** Where the console's static files are: api/console/static in the sources, dist/api/console/static in the build (package.json "build" copies them). */
export const CONSOLE_DIR = path.join(__dirname, 'static');

/**
 * The console's own Content-Security-Policy, replacing the API's (api/http/hardening.ts) on /console only: materials are
 * shown from blob: URLs the page makes from the bytes it fetched with its token, images (img-src blob:) and PDFs in
 * an <iframe> (frame-src blob:; the API's policy falls back to default-src 'self' and would block the frame).
 * No inline scripts or styles: the page sets none. Nothing else is loosened; object-src stays 'none'.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "frame-src blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const consoleHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  // A new release is picked up on the next load; the files are small.
  res.setHeader('Cache-Control', 'no-cache');
  next();
};

/**
 * GET /console: the reviewer console (API.md "Operator tools"), static files with no build step. The page itself is
 * public, as /docs is: everything it shows comes from the API with the reviewer's bearer token.
 */
export function consoleRoutes(app: Express): void {
  const index = path.join(CONSOLE_DIR, 'index.html');
  app.get(['/console', '/console/'], consoleHeaders, (_req, res) => {
    res.type('html').sendFile(index);
  });
  app.use('/console', consoleHeaders, express.static(CONSOLE_DIR, { index: false, redirect: false, fallthrough: true, cacheControl: false }));
}
