import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
/** The API's named schemas: `Schemas['Verification']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];
export type RealNameClient = Client<paths>;

export interface ClientOptions {
  /** Where the API is served, e.g. `https://realname.example.com` (no trailing /v1). */
  baseUrl: string;
  /**
   * Sent as `Authorization: Bearer …`: an API key or an account token. A function is asked before every request
   * (account tokens expire). Without one (the sandbox's routes, the hosted pages' exchange) nothing is sent.
   */
  token?: string | (() => string | Promise<string>);
  /** Another fetch (tests, proxies, retries). */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A client whose paths, parameters, bodies and answers are the API's own types:
 * `client.GET('/v1/verifications/{id}', { params: { path: { id } } })` answers
 * `{ data, error, response }`, where `error` is the problem document (`code`, `detail`).
 *
 * Every POST carries an `Idempotency-Key`: a fresh one unless the call passes its own
 * (`params: { header: { 'Idempotency-Key': key } }`), which a retry of the same request must reuse
 * to get the first answer back instead of acting twice.
 */
export function createClient(options: ClientOptions): RealNameClient {
  const client = createFetchClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use(requestHeaders(options.token));
  return client;
}

function requestHeaders(token: ClientOptions['token']): Middleware {
  return {
    async onRequest({ request }) {
      const bearer = typeof token === 'function' ? await token() : token;
      if (bearer && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${bearer}`);
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
      return request;
    },
  };
}
