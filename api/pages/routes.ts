import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/** Where the hosted pages' static files are: api/pages/static in the sources, dist/api/pages/static in the build (package.json "build" copies them). */
export const PAGES_DIR = path.join(__dirname, 'static');

/**
 * The hosted pages' own Content-Security-Policy (SPEC §13), stricter than the API's: no inline script or style at all,
 * nothing from another origin, no forms posting anywhere, never framed (a framed page could be clicked through).
 */
const PAGES_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', PAGES_CSP);
  // The link's token is in the fragment, never sent; no-referrer keeps the page's own address out of other sites' logs too.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-cache');
  next();
};

/**
 * GET /apply: the applicant's pages (first piece: the door). The page is public; what it shows comes from the API with
 * the browser session the link's token is exchanged for.
 */
export function pageRoutes(app: Express): void {
  const index = path.join(PAGES_DIR, 'index.html');
  app.get(['/apply', '/apply/'], pageHeaders, (_req, res) => {
    res.type('html').sendFile(index);
  });
  app.use('/apply', pageHeaders, express.static(PAGES_DIR, { index: false, redirect: false, fallthrough: true, cacheControl: false }));
}
