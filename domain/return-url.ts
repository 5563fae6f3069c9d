/**
 * Where the hosted pages may send a person back to when they are done (API.md "Hosted pages", SPEC §13): only to an
 * origin the operator listed in SESSION_RETURN_ORIGINS, so a minted link can never be turned into an open redirect.
 * Origins are compared exactly (scheme, host and port), as the browser's same-origin rule does.
 */

/** What is wrong with one entry of SESSION_RETURN_ORIGINS, or undefined when it is a usable origin. */
export function returnOriginProblem(entry: string, options: { httpsOnly: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `${entry}: not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${entry}: only http and https origins`;
  if (options.httpsOnly && url.protocol !== 'https:') return `${entry}: production returns to https origins only`;
  // An entry with a path, query or credentials would suggest a narrower rule than the one applied: say so instead.
  if (url.origin !== entry.replace(/\/$/, '')) return `${entry}: an origin is scheme://host[:port], without a path`;
  return undefined;
}

/** Whether `returnUrl` is an absolute http(s) URL, without credentials, on one of the `allowed` origins. */
export function returnUrlAllowed(returnUrl: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  // user:pass@ in a link is a classic way to make one host look like another.
  if (url.username !== '' || url.password !== '') return false;
  return allowed.includes(url.origin);
}
