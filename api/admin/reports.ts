import { z } from 'zod';
import { ENTERPRISE_METHODS, INDIVIDUAL_METHODS } from '../../domain/constants';
import { staffPseudonym } from '../../domain/keyed-hashes';
import { MAX_RANGE_DAYS, timeRangeErrors } from '../../domain/time-range';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { auditEventsBetween } from '../../store/audit';
import { verificationFunnel } from '../../store/funnel';
import { AuditEventView } from '../http/audit';
import { defineRoute, type RouteDeps } from '../http/route';
import { ndjsonLines } from './audit-export';

/**
 * The admin's reports over a time range [from, to): the audit log exported
 * for an auditor, and the verification funnel for the people who run the
 * service.
 */

const Instant = z.iso.datetime({ offset: true }).meta({ example: '2026-12-01T00:00:00+08:00' });

export const TimeRangeQuery = z
  .object({
    from: Instant.meta({ description: 'Start of the range, included (ISO 8601 with offset)' }),
    to: Instant.meta({ description: `End of the range, excluded; after from, at most ${MAX_RANGE_DAYS} days later` }),
  })
  .superRefine((q, ctx) => {
    for (const e of timeRangeErrors(new Date(q.from), new Date(q.to))) ctx.addIssue({ code: 'custom', path: [e.path], message: e.message });
  });

const rangeOf = (q: { from: string; to: string }) => ({ from: new Date(q.from), to: new Date(q.to) });

const FunnelQuery = TimeRangeQuery.safeExtend({
  method: z.enum([...INDIVIDUAL_METHODS, ...ENTERPRISE_METHODS]).optional().meta({ description: 'Only this method (default: every method)' }),
});

const Counts = z.record(z.string(), z.number().int());
const Seconds = z.number().nullable().meta({ description: 'Seconds from start to verified (null: none verified)' });
const FunnelView = z
  .object({
    items: z.array(
      z.object({
        method: z.string(),
        started: z.number().int(),
        verified: z.number().int(),
        failed: Counts.meta({ description: 'Failed verifications by failure reason' }),
        expired: z.number().int(),
        cancelled: z.number().int(),
        dropOffByStep: Counts.meta({ description: 'Expired, cancelled and still-open verifications by the step they stood (or stand) at; `opened`: before any step' }),
        timeToVerify: z.object({ p50: Seconds, p90: Seconds }),
      }),
    ),
    reviews: z.object({ decided: z.number().int(), withinSla: z.number().int().meta({ description: 'Decided by their due time' }) }),
  })
  .meta({ id: 'VerificationFunnel' });

// The export holds one batch of events in memory at a time.
const EXPORT_BATCH = 500;

export function reportRoutes(deps: RouteDeps, services: { db: Db; cipher: PiiCipher }): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/admin/audit-events/export',
    summary: 'The audit events of a time range, as NDJSON, for an auditor',
    description:
      'Every event written in [from, to), oldest first, one JSON object per line, streamed as the client reads. No personal data: a reviewer’s or admin’s name is a stable pseudonym (staff_…; the same person, the same pseudonym), and details hold codes, ids and times only.',
    tags: ['admin'],
    auth: ['admin'],
    query: TimeRangeQuery,
    responses: { 200: { description: 'One event per line', schema: AuditEventView, contentType: 'application/x-ndjson' } },
    handler: async ({ query }) => ({
      status: 200,
      headers: {
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="audit-events-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.ndjson"`,
      },
      stream: ndjsonLines(auditEventsBetween(services.db, rangeOf(query), EXPORT_BATCH), (name) => staffPseudonym(services.cipher, name)),
    }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/admin/analytics/funnel',
    summary: 'The verification funnel per method, for the verifications started in a time range',
    description:
      'Per method: started, verified, failed by reason, expired, cancelled, where the expired, cancelled and still-open ones stood by step, and the time to verify (p50, p90, seconds); and of the reviews decided in the range, how many by their due time.',
    tags: ['admin'],
    auth: ['admin'],
    query: FunnelQuery,
    responses: { 200: { description: 'The funnel', schema: FunnelView } },
    handler: async ({ query }) => ({ status: 200, body: await verificationFunnel(services.db, { ...rangeOf(query), method: query.method }) }),
  });
}
