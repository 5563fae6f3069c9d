import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Info } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeleteExpiredArgs } from '../../activities/retention';
import { LocalDiskStorage } from '../../adapters/storage';
import type { RetentionCategory } from '../../domain/retention';
import { createBytesSealer } from '../../platform/crypto';
import { migrateLatest, type Db } from '../../platform/db';
import { createMetrics, type Metrics } from '../../platform/metrics';
import { recordAudit } from '../../store/audit';
import { abandonReservation, completeReservation, insertReservation } from '../../store/idempotency';
import { PENDING_OUTCOME, recordDecision, recordOutcome } from '../../store/provider-events';
import { insertPageSession } from '../../store/page-sessions';
import { recordDelivery } from '../../store/webhook-endpoints';
import { RETENTION_DATABASES, runRetention } from '../support/retention-db';

/**
 * Retention's deletes (SPEC §11) against PostgreSQL, on a database of this
 * file's own (a delete by age would reach other tests' rows on the shared
 * one), and against the embedded PGlite of `npm start`: each category deletes what fell due before the cutoff and keeps what
 * is younger or still in use; batches are bounded per run, counted, and
 * heartbeated; a retry goes on from its predecessor's heartbeat.
 */
let db: Db;
let metrics: Metrics;

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/** The activity as a worker runs it (no category here has files: the storage stays empty). */
const storage = new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-retention-files-')), createBytesSealer(Buffer.alloc(32, 7)));
const deleteExpired = (args: Partial<DeleteExpiredArgs> & { category: RetentionCategory }, info: Partial<Info> = {}) =>
  runRetention({ db, storage, metrics }, { cutoff: ago(24 * HOUR).toISOString(), ...args }, info);
const counted = async (category: RetentionCategory) => (await metrics.retentionDeleted.get()).values.find((v) => v.labels.category === category)?.value;

const keys = async () => (await db('idempotency_keys').select('key').orderBy('key')).map((r: { key: string }) => r.key);
async function reservation(key: string, state: { createdAgo: number; updatedAgo?: number; completed?: boolean; abandoned?: boolean }) {
  const k = { principal: 'service', key };
  await insertReservation(db, { ...k, requestHash: 'h', seed: key });
  if (state.completed) await completeReservation(db, k, { status: 201, storedBody: null });
  if (state.abandoned) await abandonReservation(db, k);
  const updated = state.abandoned ? {} : { updated_at: ago(state.updatedAgo ?? state.createdAgo) };
  await db('idempotency_keys').where(k).update({ created_at: ago(state.createdAgo), ...updated });
}

describe.each(RETENTION_DATABASES)('retention deletes on $database', ({ open, concurrent }) => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrateLatest(db);
  }, 60_000);
  afterAll(() => close?.());
  beforeEach(async () => {
    await db.raw('truncate idempotency_keys, provider_events, webhook_deliveries, webhook_events, audit_events, page_sessions');
    metrics = createMetrics();
  });

  it('idempotency: answers first given before the cutoff go; younger ones stay, and so does one still being answered', async () => {
    await reservation('old-answered', { createdAgo: 25 * HOUR, completed: true });
    await reservation('old-abandoned', { createdAgo: 25 * HOUR, abandoned: true });
    await reservation('old-holder-gone-quiet', { createdAgo: 48 * HOUR, updatedAgo: 25 * HOUR });
    await reservation('old-still-answering', { createdAgo: 25 * HOUR, updatedAgo: 1_000 });
    await reservation('young-answered', { createdAgo: 23 * HOUR, completed: true });
    await reservation('young-answering', { createdAgo: 1_000 });

    expect(await deleteExpired({ category: 'idempotency' })).toMatchObject({ deleted: 3, more: false });
    expect(await keys()).toEqual(['old-still-answering', 'young-answered', 'young-answering']);
    expect(await counted('idempotency')).toBe(3);
  });

  it('provider events: those decided and carried out before the cutoff go; a pending decision stays whatever its age', async () => {
    for (const [eventId, outcome, receivedAgo] of [['old-done', 'signalled', 31], ['old-pending', PENDING_OUTCOME, 90], ['young-done', 'settled', 29]] as const) {
      const key = { provider: 'wechat', eventId };
      await recordDecision(db, { ...key, type: 'authorization.scanned', reference: null, outcome: PENDING_OUTCOME });
      if (outcome !== PENDING_OUTCOME) await recordOutcome(db, key, { reference: null, outcome });
      await db('provider_events').where({ event_id: eventId }).update({ received_at: ago(receivedAgo * 24 * HOUR) });
    }
    expect(await deleteExpired({ category: 'provider-events', cutoff: ago(30 * 24 * HOUR).toISOString() })).toMatchObject({ deleted: 1, more: false });
    expect((await db('provider_events').select('event_id').orderBy('event_id')).map((r: { event_id: string }) => r.event_id)).toEqual(['old-pending', 'young-done']);
  });

  it('webhooks: deliveries last written before the cutoff go; events: those that happened before it and were handed over go, an event not handed over stays', async () => {
    for (const [eventId, status, updatedAgo] of [['evt_old_ok', 'delivered', 25], ['evt_old_gave_up', 'failed', 25], ['evt_young', 'retrying', 1]] as const) {
      await recordDelivery(db, { endpointId: 'whe_1', eventId }, { status, last_error: null });
      await db('webhook_deliveries').where({ event_id: eventId }).update({ updated_at: ago(updatedAgo * HOUR) });
    }
    const event = (id: string, createdAgo: number, dispatchedAgo: number | null) => ({
      id,
      type: 'verification.updated',
      resource_id: 'ver_1',
      snapshot: '{}',
      created_at: ago(createdAgo * HOUR),
      dispatched_at: dispatchedAgo === null ? null : ago(dispatchedAgo * HOUR),
    });
    await db('webhook_events').insert([event('evt_old_ok', 100, 25), event('evt_never_handed_over', 100, null), event('evt_young', 1, 1)]);

    expect(await deleteExpired({ category: 'webhooks' })).toMatchObject({ deleted: 2, more: false });
    expect((await db('webhook_deliveries').select('event_id')).map((r: { event_id: string }) => r.event_id)).toEqual(['evt_young']);
    expect(await counted('webhooks')).toBe(2);
    expect(await deleteExpired({ category: 'events' })).toMatchObject({ deleted: 1, more: false });
    expect((await db('webhook_events').select('id').orderBy('id')).map((r: { id: string }) => r.id)).toEqual(['evt_never_handed_over', 'evt_young']);
    expect(await counted('events')).toBe(1);
  });

  it('page sessions: a link whose hour and whose browser session both ended before the cutoff goes; one still able to open anything stays', async () => {
    // [id, the link's hour ended, the browser session it opened ends (null: never used)], hours from now.
    const rows = [
      ['ses_unused_old', -25, null],
      ['ses_unused_young', -23, null],
      ['ses_ended_old', -48, -25],
      ['ses_ended_young', -47, -23],
      ['ses_open', -10, 13],
    ] as const;
    for (const [id, linkEnds, sessionEnds] of rows) {
      await insertPageSession(db, { id, accountId: 'acct-pages', tokenHash: id, locale: 'zh-CN', returnUrl: null, createdAt: ago(-linkEnds * HOUR + HOUR), expiresAt: ago(-linkEnds * HOUR) });
      if (sessionEnds !== null) await db('page_sessions').where({ id }).update({ used_at: ago(-linkEnds * HOUR + 1000), browser_session_expires_at: ago(-sessionEnds * HOUR) });
    }
    expect(await deleteExpired({ category: 'page-sessions' })).toMatchObject({ deleted: 2, more: false });
    expect((await db('page_sessions').select('id').orderBy('id')).map((r: { id: string }) => r.id)).toEqual(['ses_ended_young', 'ses_open', 'ses_unused_young']);
    expect(await counted('page-sessions')).toBe(2);
  });

  it('audit: a batch at a time up to the bound, heartbeating each; the next run goes on, and one more finds nothing', async () => {
    await auditEvents(5, 25 * HOUR);
    await auditEvents(1, HOUR);
    const first = await deleteExpired({ category: 'audit', batchSize: 2, maxBatches: 2 });
    expect(first).toEqual({ deleted: 4, more: true, heartbeats: [{ deleted: 2, batches: 1 }, { deleted: 4, batches: 2 }] });
    expect(await deleteExpired({ category: 'audit', batchSize: 2, maxBatches: 2 })).toMatchObject({ deleted: 1, more: false });
    expect(await deleteExpired({ category: 'audit', batchSize: 2, maxBatches: 2 })).toMatchObject({ deleted: 0, more: false });
    expect(Number((await db('audit_events').count({ n: '*' }).first())?.n)).toBe(1);
    expect(await counted('audit')).toBe(5);
  });

  it('a retried attempt goes on from its predecessor’s heartbeat: the bound and the count cover both', async () => {
    await auditEvents(3, 25 * HOUR);
    const retried = await deleteExpired({ category: 'audit', batchSize: 2, maxBatches: 2 }, { attempt: 2, heartbeatDetails: { deleted: 2, batches: 1 } });
    expect(retried).toEqual({ deleted: 4, more: true, heartbeats: [{ deleted: 4, batches: 2 }] });
    // Only what this attempt deleted is counted again.
    expect(await counted('audit')).toBe(2);
  });

  it.runIf(concurrent)('a row a request is writing right now is skipped, not waited for; the next run takes it', async () => {
    await reservation('old-answered', { createdAgo: 25 * HOUR, completed: true });
    await reservation('old-answered-locked', { createdAgo: 25 * HOUR, completed: true });
    const trx = await db.transaction();
    try {
      await trx('idempotency_keys').where({ key: 'old-answered-locked' }).forUpdate();
      expect(await deleteExpired({ category: 'idempotency' })).toMatchObject({ deleted: 1 });
      expect(await keys()).toEqual(['old-answered-locked']);
    } finally {
      await trx.commit();
    }
    expect(await deleteExpired({ category: 'idempotency' })).toMatchObject({ deleted: 1 });
    expect(await keys()).toEqual([]);
  });

  it('unfinished processes: a key that never got its process (a refused start) goes once as old as the period; others stay', async () => {
    const key = async (processId: string, accountId: string, createdAgo: number) =>
      db('data_keys').insert({ process_id: processId, account_id: accountId, wrapped_key: 'v1.wrapped', created_at: ago(createdAgo) });
    const suffix = randomBytes(4).toString('hex');
    const [idle, busy] = [`acct-idle-${suffix}`, `acct-busy-${suffix}`];
    await db('accounts').insert([{ id: idle }, { id: busy, open_process_kind: 'change', open_process_id: `chg_open${suffix}` }]);
    const withRow = `ver_row${suffix}`;
    await db('verifications').insert({ id: withRow, account_id: idle, workflow_id: `verification/${withRow}`, subject_type: 'individual', method: 'face', status: 'in_progress', subject: '{}', identity_hash: 'h' });
    await key(`ver_refused${suffix}`, idle, 25 * HOUR); // a start refused at open: no row
    await key(`chg_refused${suffix}`, idle, 25 * HOUR);
    await key(`ver_young${suffix}`, idle, 1_000); // a start still on its way to its row
    await key(withRow, idle, 25 * HOUR); // its process holds it (erased, if ever, with the process)
    await key(`ver_newsubj${suffix}`, busy, 25 * HOUR); // a change's new subject, sealed before its verification opens

    expect(await deleteExpired({ category: 'unfinished-processes' })).toMatchObject({ deleted: 2, more: false });
    const erased = await db('data_keys').whereLike('process_id', `%${suffix}`).whereNull('wrapped_key').orderBy('process_id').pluck('process_id');
    expect(erased).toEqual([`chg_refused${suffix}`, `ver_refused${suffix}`]);
    expect(await db('data_keys').whereIn('process_id', erased).pluck('erased_by')).toEqual(['retention', 'retention']);
    expect(await deleteExpired({ category: 'unfinished-processes' })).toMatchObject({ deleted: 0 });
  });

  it('refuses a category it does not know, for good (a schedule left by another version)', async () => {
    await expect(deleteExpired({ category: 'photos' as RetentionCategory })).rejects.toMatchObject({ type: 'UnknownRetentionCategory', nonRetryable: true });
  });
});

async function auditEvents(count: number, agoMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await recordAudit(db, { actor: { role: 'admin', name: 'ops' }, action: 'test.retention', resource: { kind: 'account', id: `acct-${i}` } });
  }
  await db('audit_events').where('at', '>', ago(60_000)).update({ at: ago(agoMs) });
}
