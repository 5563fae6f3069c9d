import { createClient, type RealNameClient } from '../../clients/typescript/src/index';
import { contractChecker } from './contract-check';
import { KEYS } from './http';

/**
 * The typed client (clients/typescript) against the e2e stack, its answers held to the served document as
 * test/support/http.ts holds its own (contract-check.ts): a field the types promise but the server leaves out fails.
 */
export function typedClient(baseUrl: string, token: string | null = KEYS.service): RealNameClient {
  const checkedFetch = async (request: Request): Promise<Response> => {
    const response = await fetch(request);
    if (response.ok && /^application\/json/.test(response.headers.get('content-type') ?? '')) {
      const url = new URL(request.url);
      const problems = (await contractChecker(baseUrl)).check(request.method, url.pathname + url.search, response.status, await response.clone().json());
      if (problems.length > 0) throw new Error(`${request.method} ${url.pathname} answered ${response.status} outside the served OpenAPI document:\n  ${problems.join('\n  ')}`);
    }
    return response;
  };
  return createClient({ baseUrl, ...(token ? { token } : {}), fetch: checkedFetch });
}

/** The answer of a call that must succeed: its typed data, or a failure that shows the problem document. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`);
  return result.data;
}
