import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressKind, hostNameKind, refusalOf, type TargetRule } from '../platform/network-address';

/**
 * Where webhooks may go (SPEC §10 "No door to the inside"): a URL's host is
 * checked when the endpoint is registered, and again by the agent that
 * connects, against the address the name resolves to then. A name that
 * resolved to a public address at registration and to 10.0.0.1 now (DNS
 * rebinding) is refused at connection, before a byte is sent.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a name resolves to. Injectable, so tests can play a resolver that changes its answer. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface WebhookTargetPolicy extends TargetRule {
  resolve?: Resolver;
}

/** A delivery to a target the policy refuses; its message names the host, never the path or query. */
export class WebhookTargetRefused extends Error {
  override name = 'WebhookTargetRefused';
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a host (IP literal or name) is refused before any lookup, or null when only its addresses can tell. */
function hostRefusal(host: string, rule: TargetRule): string | null {
  if (isIP(host)) {
    const refusal = refusalOf(addressKind(host), rule);
    return refusal && `${host} is ${refusal}`;
  }
  const kind = hostNameKind(host);
  const refusal = kind && refusalOf(kind, rule);
  return refusal && `${host} is ${kind === 'cloud_metadata' ? 'a cloud metadata host name' : `the name of ${refusal}`}`;
}

/** Why a name's addresses are refused: any one refused refuses them all (a client may connect to any of them). */
function addressesRefusal(host: string, addresses: ResolvedAddress[], rule: TargetRule): string | null {
  if (addresses.length === 0) return `${host} does not resolve`;
  for (const { address } of addresses) {
    const refusal = refusalOf(addressKind(address), rule);
    if (refusal) return `${host} resolves to ${refusal}`;
  }
  return null;
}

/** Why a webhook URL may not be registered (its host is or resolves to an inside address, or does not resolve), or null. */
export async function webhookUrlRefusal(url: string, policy: WebhookTargetPolicy): Promise<string | null> {
  const host = hostOf(new URL(url));
  const refused = hostRefusal(host, policy);
  if (refused || isIP(host)) return refused;
  const addresses = await (policy.resolve ?? systemResolver)(host).catch(() => []);
  return addressesRefusal(host, addresses, policy);
}

/** A `lookup` for sockets: resolves, then refuses the connection unless every address passes the policy. */
export function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  const resolve = policy.resolve ?? systemResolver;
  return (hostname, options, callback) => {
    const answer = (err: NodeJS.ErrnoException | null, addresses: ResolvedAddress[] = []) => {
      if (options.all) callback(err, addresses);
      else callback(err, addresses[0]?.address ?? '', addresses[0]?.family ?? 0);
    };
    resolve(hostname).then(
      (addresses) => {
        const refusal = addressesRefusal(hostname, addresses, policy);
        if (refusal) return answer(new WebhookTargetRefused(refusal));
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) return answer(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }));
        answer(null, usable);
      },
      (err: NodeJS.ErrnoException) => answer(err),
    );
  };
}

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs to a webhook URL through agents that check what they connect to (an
 * IP literal here: Node does not look it up). Answers the status; the body is
 * dropped and a redirect is not followed (neither is an acknowledgement).
 * Throws WebhookTargetRefused for a refused target, else the network error.
 */
export function createWebhookSender(policy: WebhookTargetPolicy) {
  const lookup = guardedLookup(policy);
  const agents = { 'http:': new HttpAgent({ lookup }), 'https:': new HttpsAgent({ lookup }) };
  return async (url: string, post: WebhookPost): Promise<number> => {
    const target = new URL(url);
    const refusal = hostRefusal(hostOf(target), policy);
    if (refusal) throw new WebhookTargetRefused(refusal);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
    return new Promise<number>((resolve, reject) => {
      const req = send(target, { method: 'POST', headers: post.headers, agent, signal: AbortSignal.timeout(post.timeoutMs) }, (res: IncomingMessage) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', reject);
      req.end(post.body);
    });
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
