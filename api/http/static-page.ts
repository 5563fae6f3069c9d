import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/**
 * A static page's Content-Security-Policy, stricter than the API's: its own files only, no inline script or style,
 * nothing from another origin, no forms posting anywhere, never framed. `blobs` loosens exactly what a page that shows
 * bytes it fetched itself needs: blob: images, and blob: frames (PDFs).
 */
export function staticPageCsp(blobs: { images?: boolean; frames?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self'${blobs.images ? ' blob:' : ''}`,
    ...(blobs.frames ? ['frame-src blob:'] : []),
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A page of static files served by the API at `mount` (the reviewer console, the applicant's pages): its index at the
 * mount itself, its files beside it, every answer with the page's own headers (its Content-Security-Policy first).
 */
export function serveStaticPage(app: Express, mount: string, dir: string, headers: Record<string, string>): void {
  const withHeaders: RequestHandler = (_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
  const index = path.join(dir, 'index.html');
  app.get([mount, `${mount}/`], withHeaders, (_req, res) => {
    res.type('html').sendFile(index);
  });
  app.use(mount, withHeaders, express.static(dir, { index: false, redirect: false, fallthrough: true, cacheControl: false }));
}
