import type { Db } from '../platform/db';

/**
 * The verification funnel over the read model, per method, for the
 * verifications created in [from, to): how many started, how they ended, where
 * the lost and the still-open ones stood, and how long a verification took.
 * A closed process's row holds no step (endProcessRow clears it): the step it
 * stood at is the last `verification.step` its workflow recorded in the audit log.
 */

export interface FunnelFilter {
  from: Date;
  to: Date;
  method?: string | undefined;
}

export interface MethodFunnelRow {
  method: string;
  started: number;
  verified: number;
  expired: number;
  cancelled: number;
  p50: number | null;
  p90: number | null;
}

export interface MethodCountRow {
  method: string;
  key: string;
  count: number;
}

/** Where a process with no recorded step stood: opened, before its first step. */
export const NO_STEP = 'opened';

const inRange = (db: Db, f: FunnelFilter) => {
  const query = db('verifications as v').where('v.created_at', '>=', f.from).andWhere('v.created_at', '<', f.to);
  return f.method ? query.andWhere('v.method', f.method) : query;
};

const SECONDS_TO_VERIFY = 'extract(epoch from v.completed_at - v.created_at)';

export async function methodFunnels(db: Db, f: FunnelFilter): Promise<MethodFunnelRow[]> {
  const rows: Record<string, string | number | null>[] = await inRange(db, f)
    .groupBy('v.method')
    .orderBy('v.method')
    .select(
      'v.method',
      db.raw('count(*) as started'),
      db.raw("count(*) filter (where v.status = 'verified') as verified"),
      db.raw("count(*) filter (where v.status = 'expired') as expired"),
      db.raw("count(*) filter (where v.status = 'cancelled') as cancelled"),
      db.raw(`percentile_cont(0.5) within group (order by ${SECONDS_TO_VERIFY}) filter (where v.status = 'verified') as p50`),
      db.raw(`percentile_cont(0.9) within group (order by ${SECONDS_TO_VERIFY}) filter (where v.status = 'verified') as p90`),
    );
  const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    method: String(r.method),
    started: Number(r.started),
    verified: Number(r.verified),
    expired: Number(r.expired),
    cancelled: Number(r.cancelled),
    p50: num(r.p50),
    p90: num(r.p90),
  }));
}

/** Failed verifications by method and failure reason. */
export async function failuresByReason(db: Db, f: FunnelFilter): Promise<MethodCountRow[]> {
  const rows: { method: string; key: string; count: string }[] = await inRange(db, f)
    .where('v.status', 'failed')
    .groupByRaw('1, 2')
    .select('v.method', db.raw("coalesce(v.failure_reason, 'UNKNOWN') as key"), db.raw('count(*) as count'));
  return rows.map((r) => ({ method: r.method, key: r.key, count: Number(r.count) }));
}

// The step a process last recorded (along the audit log's (process_id, seq) index).
const LAST_STEP = `left join lateral (
  select a.detail->>'step' as step from audit_events a
   where a.process_id = v.id and a.action = 'verification.step' order by a.seq desc limit 1
) as last on true`;

/** Expired, cancelled and still-open verifications by method and the step they stand (or last stood) at. */
export async function dropOffByStep(db: Db, f: FunnelFilter): Promise<MethodCountRow[]> {
  const rows: { method: string; key: string; count: string }[] = await inRange(db, f)
    .whereIn('v.status', ['expired', 'cancelled', 'in_progress'])
    .joinRaw(LAST_STEP)
    .groupByRaw('1, 2')
    .select('v.method', db.raw("coalesce(case when v.status = 'in_progress' then v.step else last.step end, ?) as key", [NO_STEP]), db.raw('count(*) as count'));
  return rows.map((r) => ({ method: r.method, key: r.key, count: Number(r.count) }));
}

/** Reviews decided in [from, to) (of the method's verifications, given one), and how many by their due time. */
export async function reviewSla(db: Db, f: FunnelFilter): Promise<{ decided: number; withinSla: number }> {
  const query = db('reviews as r').whereIn('r.status', ['approved', 'rejected']).andWhere('r.decided_at', '>=', f.from).andWhere('r.decided_at', '<', f.to);
  if (f.method) query.whereIn('r.process_id', db('verifications').where('method', f.method).select('id'));
  const [row] = await query.select<{ decided: string; within: string }[]>(db.raw('count(*) as decided'), db.raw('count(*) filter (where r.decided_at <= r.due_at) as within'));
  return { decided: Number(row?.decided ?? 0), withinSla: Number(row?.within ?? 0) };
}

export interface MethodFunnel {
  method: string;
  started: number;
  verified: number;
  failed: Record<string, number>;
  expired: number;
  cancelled: number;
  dropOffByStep: Record<string, number>;
  timeToVerify: { p50: number | null; p90: number | null };
}

const byMethod = (rows: MethodCountRow[], method: string): Record<string, number> =>
  Object.fromEntries(rows.filter((r) => r.method === method).map((r) => [r.key, r.count]));

/** The whole funnel: one item per method that started a verification in the range, and the reviews' SLA. */
export async function verificationFunnel(db: Db, f: FunnelFilter): Promise<{ items: MethodFunnel[]; reviews: { decided: number; withinSla: number } }> {
  const [methods, failures, drops, reviews] = await Promise.all([methodFunnels(db, f), failuresByReason(db, f), dropOffByStep(db, f), reviewSla(db, f)]);
  const items = methods.map((m) => ({
    method: m.method,
    started: m.started,
    verified: m.verified,
    failed: byMethod(failures, m.method),
    expired: m.expired,
    cancelled: m.cancelled,
    dropOffByStep: byMethod(drops, m.method),
    timeToVerify: { p50: m.p50, p90: m.p90 },
  }));
  return { items, reviews };
}
