import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Express } from 'express';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** A text asset in each encoding the service sends. */
export interface CompressedText {
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

export type ContentEncoding = keyof CompressedText;

/** Compressed once, at the best settings: brotli's slowest quality costs about 0.2 s of a pool thread per process. */
export async function compressText(text: string): Promise<CompressedText> {
  const identity = Buffer.from(text, 'utf8');
  const { BROTLI_PARAM_QUALITY, BROTLI_MAX_QUALITY, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  const [br, gz] = await Promise.all([
    brotli(identity, { params: { [BROTLI_PARAM_QUALITY]: BROTLI_MAX_QUALITY, [BROTLI_PARAM_MODE]: BROTLI_MODE_TEXT, [BROTLI_PARAM_SIZE_HINT]: identity.length } }),
    gzip(identity, { level: 9 }),
  ]);
  return { identity, br, gzip: gz };
}

/**
 * What to send for an Accept-Encoding header: brotli (the smallest) unless the client weighs gzip higher or refuses
 * brotli, then gzip, else the bytes as they are. Browsers list gzip first with the same weight as br
 * ("gzip, deflate, br, zstd"), so the client's order is not a preference here (express's `acceptsEncodings` would
 * take it as one and pick gzip).
 */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}

/**
 * GET `route`: a text asset made once per process (`load` reads or bundles it; it starts as the process does, so the
 * first person does not wait), compressed once, and sent in the encoding the client takes best. express's ETag is
 * of the bytes sent, so a revalidation (Cache-Control: no-cache) answers 304 in any encoding; Vary tells caches the
 * answer depends on Accept-Encoding. A failed load is not kept: the next request tries again.
 */
export function serveCompressed(app: Express, route: string, options: { type: string; headers: Record<string, string>; load: () => Promise<string> }): void {
  const make = () => options.load().then(compressText);
  let asset: Promise<CompressedText> | undefined = make();
  asset.catch(() => undefined);
  app.get(route, async (req, res) => {
    asset ??= make();
    const ready = await asset.catch((err: unknown) => {
      asset = undefined;
      throw err;
    });
    const encoding = chooseEncoding(req.get('accept-encoding'));
    res.set(options.headers).vary('Accept-Encoding').type(options.type);
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    res.send(ready[encoding]);
  });
}
