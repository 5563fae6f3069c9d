import type { AuditRow } from '../../store/audit';

/**
 * An audit event as the export writes it (one NDJSON line), without personal
 * data: the event's ids, times, actions and codes, with a reviewer's or
 * admin's name (an actor, or a staff token's subject) replaced by a stable
 * pseudonym, and of the detail only the keys the service writes, each a
 * code, id, time, number or flag. A key added to the detail later stays out
 * until it is named here.
 */

export const EXPORTED_DETAIL_KEYS = [
  'step', 'status', 'failureReason', 'method', 'subjectType', 'changeId', 'type', 'kind',
  'decision', 'until', 'closureId', 'accountsFound', 'newIdentity',
] as const;

// Codes, ids and ISO times: letters, digits and _ . : + - only, nothing a person typed.
const CODE = /^[A-Za-z0-9_.:+-]{1,64}$/;
const STAFF_ROLES = new Set(['reviewer', 'admin']);

type Scalar = string | number | boolean | null;

function exportedValue(value: unknown): Scalar | undefined {
  if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return typeof value === 'string' && CODE.test(value) ? value : undefined;
}

export function exportedDetail(detail: Record<string, unknown>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const key of EXPORTED_DETAIL_KEYS) {
    const value = key in detail ? exportedValue(detail[key]) : undefined;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function exportedEvent(row: AuditRow, pseudonym: (name: string) => string) {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { role: row.actor_role, name: STAFF_ROLES.has(row.actor_role) ? pseudonym(row.actor_name) : row.actor_name },
    action: row.action,
    resource: { kind: row.resource_kind, id: row.resource_kind === 'staff' ? pseudonym(row.resource_id) : row.resource_id },
    accountId: row.account_id,
    processId: row.process_id,
    requestId: row.request_id,
    detail: exportedDetail(row.detail),
  };
}

/** The events as NDJSON lines, one per event. */
export async function* ndjsonLines(rows: AsyncIterable<AuditRow>, pseudonym: (name: string) => string): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(exportedEvent(row, pseudonym))}\n`;
}
