import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { expect } from 'vitest';
import { freePort } from '../../scripts/lib/processes';
import { http } from './http';

/**
 * A client's webhook receiver for e2e tests: an HTTP server on a free port, registered as an endpoint, that keeps the
 * events a test cares about and checks their signatures as a client would (API.md "Webhooks to clients"). The stack
 * is shared by every test file, so each receiver also gets the others' events: `keep` says which are its own; the
 * rest are acknowledged at once and forgotten.
 */
export interface ReceivedEvent {
  at: number;
  signature: string;
  contentType: string;
  raw: string;
  event: { id: string; type: string; createdAt: string; data: { object: Record<string, any> } };
  /** The status the receiver answered this attempt with. */
  answered: number;
}

export interface ReceiverOptions {
  /** Which events are this test's: kept and answered by `answer`. */
  keep: (event: ReceivedEvent['event']) => boolean;
  /** The status for an attempt of a kept event (`attempt` counts from 1 per event id); 200 by default. */
  answer?: (event: ReceivedEvent['event'], attempt: number) => number;
  /** The endpoint's path and query on the receiver, and its description. */
  path?: string;
  description?: string;
  /** Registration headers, e.g. an Idempotency-Key. */
  headers?: Record<string, string>;
}

export interface Receiver {
  endpoint: { id: string; url: string; secret: string; createdAt: string; description?: string };
  received: ReceivedEvent[];
  /** Signed with the endpoint's secret, within 10 minutes of now. */
  signed: (r: ReceivedEvent) => boolean;
  /** How many times an event id arrived. */
  times: (eventId: string) => number;
  /** Deletes the endpoint (unless the test did) and stops the server. */
  close: () => Promise<void>;
}

export async function webhookReceiver(baseUrl: string, options: ReceiverOptions): Promise<Receiver> {
  const api = http(baseUrl);
  const received: ReceivedEvent[] = [];
  const attempts = new Map<string, number>();
  const receive = (raw: string, headers: IncomingHttpHeaders): number => {
    const event = JSON.parse(raw) as ReceivedEvent['event'];
    if (!options.keep(event)) return 200;
    const attempt = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, attempt);
    const answered = options.answer?.(event, attempt) ?? 200;
    received.push({ at: Date.now(), signature: String(headers['x-signature']), contentType: String(headers['content-type']), raw, event, answered });
    return answered;
  };
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.writeHead(receive(Buffer.concat(chunks).toString('utf8'), req.headers)).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${port}${options.path ?? '/hooks'}`;
  const created = await api.post('/v1/webhook-endpoints', { url, description: options.description ?? 'e2e receiver' }, { headers: options.headers ?? {} });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const endpoint = created.body as Receiver['endpoint'];
  return {
    endpoint,
    received,
    signed: (r) => {
      const { t, v1 } = Object.fromEntries(r.signature.split(',').map((part) => part.split('=') as [string, string]));
      return v1 === createHmac('sha256', endpoint.secret).update(`${t}.${r.raw}`).digest('hex') && Math.abs(Date.now() / 1000 - Number(t)) < 600;
    },
    times: (eventId) => received.filter((r) => r.event.id === eventId).length,
    close: async () => {
      await api.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
