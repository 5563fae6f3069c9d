import { z } from 'zod';
import type { Db } from '../../platform/db';
import { auditEvents, recordAudit, type AuditEvent, type AuditResourceKind, type AuditRow } from '../../store/audit';
import { actorName, type AuthenticatedPrincipal, type Principal } from './auth';

/**
 * The API's side of the audit log: one event per accepted request that changes
 * something, with the caller as actor and the correlation id as request id.
 * Every mutating route with a bearer token says what it records (or `false`
 * for a POST that only reads); a route that says nothing does not register.
 */

export interface AuditSpec {
  action: string;
  /** What the request acted on, when neither the answer's id nor the path names it. */
  resource?: (request: { params: Record<string, string>; body: unknown }, answer: unknown) => { kind: AuditResourceKind; id: string };
  /** On a public route, who the accepted request made the caller (a link's exchange: the account whose page session it opened). */
  actor?: (answer: unknown) => AuthenticatedPrincipal;
}

export interface AuditedRequest {
  principal: Principal;
  params: Record<string, string>;
  body: unknown;
  requestId: string | undefined;
  /** The account the resource belongs to, when the route can tell (null: none, such as a lookup the service role made). */
  owner: () => Promise<string | null | undefined>;
}

const KIND_BY_PREFIX: Record<string, AuditResourceKind> = { ver: 'verification', chg: 'change', lkp: 'lookup', rev: 'review', upl: 'upload' };
const kindOf = (id: string): AuditResourceKind | undefined => KIND_BY_PREFIX[id.split('_')[0]!];
const isProcess = (id: string) => id.startsWith('ver_') || id.startsWith('chg_') || id.startsWith('lkp_');
const stringOr = (value: unknown) => (typeof value === 'string' ? value : undefined);

function resourceOf(spec: AuditSpec, request: AuditedRequest, answer: unknown): { kind: AuditResourceKind; id: string } {
  if (spec.resource) return spec.resource(request, answer);
  const answered = (answer as { id?: unknown } | null)?.id;
  if (typeof answered === 'string' && kindOf(answered)) return { kind: kindOf(answered)!, id: answered };
  const { id, accountId } = request.params;
  if (id && kindOf(id)) return { kind: kindOf(id)!, id };
  if (accountId) return { kind: 'account', id: accountId };
  throw new Error(`audit: ${spec.action} names no resource`);
}

/** The account a request concerns: the path's, the caller's own, the one its answer names, or the addressed resource's owner. */
export async function concernedAccount(request: Pick<AuditedRequest, 'principal' | 'params' | 'owner'>, answer: unknown): Promise<string | undefined> {
  const answered = (answer ?? {}) as { accountId?: unknown };
  return request.params.accountId ?? (request.principal.role === 'account' ? request.principal.accountId : (stringOr(answered.accountId) ?? (await request.owner()) ?? undefined));
}

export async function auditRequest(db: Db, spec: AuditSpec, request: AuditedRequest, answer: unknown): Promise<void> {
  const principal = request.principal.role === 'anonymous' ? spec.actor?.(answer) : request.principal;
  if (!principal) return;
  const resource = resourceOf(spec, request, answer);
  // A review's answer names its process and account.
  const answered = (answer ?? {}) as { accountId?: unknown; processId?: unknown };
  const accountId = resource.kind === 'account' ? resource.id : await concernedAccount(request, answer);
  const event: AuditEvent = {
    actor: { role: principal.role, name: actorName(principal) },
    action: spec.action,
    resource,
    accountId: accountId ?? null,
    processId: isProcess(resource.id) ? resource.id : (stringOr(answered.processId) ?? null),
    requestId: request.requestId ?? null,
  };
  await recordAudit(db, event);
}

export const AuditEventView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ role: z.string(), name: z.string() }),
    action: z.string().meta({ example: 'verification.closed' }),
    resource: z.object({ kind: z.string(), id: z.string() }),
    accountId: z.string().nullable(),
    processId: z.string().nullable(),
    requestId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

const viewOf = (row: AuditRow): z.infer<typeof AuditEventView> => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  actor: { role: row.actor_role, name: row.actor_name },
  action: row.action,
  resource: { kind: row.resource_kind, id: row.resource_id },
  accountId: row.account_id,
  processId: row.process_id,
  requestId: row.request_id,
  detail: row.detail,
});

// A position in the write order: up to 18 digits stays within PostgreSQL's bigint.
export const AUDIT_CURSOR = /^[0-9]{1,18}$/;

/** Newest first, keyset-paginated on the write order. */
export async function listAuditEvents(db: Db, filter: { accountId?: string | undefined; processId?: string | undefined }, limit: number, cursor?: string) {
  // The query schema admits only AUDIT_CURSOR.
  const page = await auditEvents(db, filter, limit, cursor);
  return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
}
