import type { Response } from 'express';
import type { Logger } from '../../platform/logger';

/**
 * A streamed answer (NDJSON lines): written as fast as the client reads. The
 * first chunk is read before anything is sent, so a store that cannot be read
 * still answers with a problem document; after that, a failure can only cut
 * the response short (the client sees an incomplete chunked body, never a
 * clean end). A client that goes away stops the reading.
 */
export async function writeStream(res: Response, status: number, headers: Record<string, string>, chunks: AsyncIterable<string>, log: Logger): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  let next = await iterator.next();
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  try {
    while (!next.done) {
      if (!res.write(next.value) && !(await drained(res))) return;
      next = await iterator.next();
    }
    res.end();
  } catch (err) {
    log.error({ err }, 'streamed answer cut short');
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  } finally {
    // Stops the source (a store read mid-way) when the client left or a write failed.
    if (!next.done) await iterator.return?.();
  }
}

/** True when the client took what was buffered; false when the connection closed first. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
