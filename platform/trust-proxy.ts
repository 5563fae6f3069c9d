import { isIP } from 'node:net';

/**
 * TRUST_PROXY: which hops in front of the API may name the client (Express's
 * `trust proxy`), so that behind a load balancer the rate limit counts the
 * client's address from X-Forwarded-For rather than the balancer's. Off by
 * default: without a proxy, anyone could write that header.
 */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges (Express resolves them). */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`), or a named range. */
function isTrustEntry(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `false` (or unset), `true` (every hop: only when the API is reachable through
 * the proxy alone), a hop count, or a comma list of addresses, CIDR ranges and
 * named ranges. Throws a message naming what is not understood.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim().toLowerCase());
  const bad = entries.filter((entry) => !isTrustEntry(entry));
  if (bad.length > 0) {
    throw new Error(`not false, true, a hop count, or addresses, CIDR ranges and ${NAMED_RANGES.join('/')}: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  }
  return entries;
}
