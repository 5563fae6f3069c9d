import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

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
