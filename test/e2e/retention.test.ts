import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RETENTION_CATEGORIES, retentionVerb, type RetentionCategory, type RetentionSettings } from '../../domain/retention';
import { createLogger } from '../../platform/logger';
import { dataConverter } from '../../platform/temporal';
import { recordAudit } from '../../store/audit';
import { completeReservation, insertReservation } from '../../store/idempotency';
import { PENDING_OUTCOME, recordDecision, recordOutcome } from '../../store/provider-events';
import { insertPageSession } from '../../store/page-sessions';
import { recordDelivery } from '../../store/webhook-endpoints';
import { openVerification } from '../../store/verifications';
import { newId } from '../../platform/ids';
import { ensureRetentionSchedules } from '../../worker/schedules';
import { retentionScheduleId } from '../../workflows/messages';
import { freePort } from '../../scripts/lib/processes';
import { startOwnStack, type OwnStack } from '../support/own-stack';
import { eventually } from '../support/temporal-test-env';

/**
 * Retention (SPEC §11) on the dev server: each category is a Temporal
 * Schedule operators see and can pause, running every RETENTION_INTERVAL (2 s
 * here) on a stack of its own, whose periods are a minute and whose batches
 * are two rows. Rows made old through the store and SQL go (personal data:
 * erased, an upload's file deleted); young ones and those still in use stay;
 * the worker counts what went.
 */
const MINUTE = 60_000;
let stack: OwnStack;
let connection: Connection;
let temporal: Client;
let db: Knex;
let metricsUrl: string;
let taskQueue: string;

beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startOwnStack('retention', {
    RETENTION_INTERVAL: '2s',
    RETENTION_IDEMPOTENCY: '1m',
    RETENTION_PROVIDER_EVENTS: '1m',
    RETENTION_WEBHOOKS: '1m',
    RETENTION_EVENTS: '1m',
    RETENTION_AUDIT: '1m',
    RETENTION_PAGE_SESSIONS: '1m',
    RETENTION_UNFINISHED: '1m',
    RETENTION_REPLACED_SUBJECT: '1m',
    RETENTION_BATCH_SIZE: '2',
    // Webhook records must outlive their retries (domain/retention.ts).
    WEBHOOK_RETRY_FOR: '30s',
    WORKER_METRICS_PORT: String(metricsPort),
  });
  taskQueue = stack.env.TEMPORAL_TASK_QUEUE!;
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, dataConverter: dataConverter(Buffer.from(inject('secrets').codecKey, 'base64')) });
  db = knex({ client: 'pg', connection: stack.databaseUrl, pool: { min: 0, max: 2 } });
}, 180_000);
afterAll(async () => {
  await db?.destroy();
  await connection?.close();
  await stack?.stop();
});

const ago = (ms: number) => new Date(Date.now() - ms);
const schedule = (category: RetentionCategory) => temporal.schedule.getHandle(retentionScheduleId(category, taskQueue));
const deletedSoFar = async (category: RetentionCategory) => {
  const text = await (await fetch(metricsUrl)).text();
  return Number(new RegExp(`^retention_deleted_total\\{category="${category}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};
const column = async (table: string, name: string, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder) => (await where(db(table).select(name)).orderBy(name)).map((r: Record<string, string>) => r[name]);

async function reservation(key: string, createdAgo: number, answered: boolean) {
  const k = { principal: 'service', key };
  await insertReservation(db, { ...k, requestHash: 'h', seed: key });
  if (answered) await completeReservation(db, k, { status: 201, storedBody: null });
  // Created long ago; one still being answered was renewed just now.
  await db('idempotency_keys').where(k).update({ created_at: ago(createdAgo), updated_at: answered ? ago(createdAgo) : new Date() });
}
async function providerEvent(eventId: string, receivedAgo: number, outcome: string) {
  const key = { provider: 'bank', eventId };
  await recordDecision(db, { ...key, type: 'transfer.received', reference: null, outcome: PENDING_OUTCOME });
  if (outcome !== PENDING_OUTCOME) await recordOutcome(db, key, { reference: null, outcome });
  await db('provider_events').where({ event_id: eventId }).update({ received_at: ago(receivedAgo) });
}
async function webhookRecords(eventId: string, writtenAgo: number) {
  await recordDelivery(db, { endpointId: 'whe_retention', eventId }, { status: 'delivered', last_error: null });
  await db('webhook_deliveries').where({ event_id: eventId }).update({ updated_at: ago(writtenAgo) });
  await db('webhook_events').insert({ id: eventId, type: 'verification.updated', resource_id: 'ver_retention', snapshot: '{}', created_at: ago(writtenAgo), dispatched_at: ago(writtenAgo) });
}
/** A verification that ended as `status` that long ago, its person in its row and a data key of its own. */
async function endedVerification(status: string, endedAgo: number, accountId?: string): Promise<string> {
  const id = newId('ver');
  await openVerification(db, {
    id,
    accountId: accountId ?? `acct-ret-${id}`,
    workflowId: `verification/${id}`,
    subjectType: 'individual',
    method: 'wechat_qr',
    subject: { realName: '钱退出', idType: 'mainland_id', idNumber: '1101**********002X' },
    idNumberEnc: 'v1.sealed',
    identityHash: `hash-${id}`,
    expiresAt: null,
  });
  await db('verifications').where({ id }).update({ status, completed_at: ago(endedAgo) });
  await db('data_keys').insert({ process_id: id, account_id: accountId ?? `acct-ret-${id}`, wrapped_key: 'v1.wrapped' });
  return id;
}

/** An account verified long ago whose subject an individual → individual change replaced `completedAgo`. */
async function replacedSubject(completedAgo: number): Promise<{ former: string; changeId: string }> {
  const changeId = newId('chg');
  const accountId = `acct-ret-replaced-${changeId}`;
  const former = await endedVerification('verified', completedAgo + 2 * MINUTE, accountId);
  await db('verifications').where({ id: former }).update({ created_at: ago(completedAgo + 3 * MINUTE) });
  const created = ago(completedAgo + MINUTE);
  await db('changes').insert({ id: changeId, account_id: accountId, workflow_id: `change/${changeId}`, type: 'individual_to_individual', status: 'completed', request: '{}', created_at: created, completed_at: ago(completedAgo) });
  await db('data_keys').insert({ process_id: changeId, account_id: accountId, wrapped_key: 'v1.wrapped' });
  return { former, changeId };
}

/** An upload no process uses, its file in the stack's storage folder, uploaded that long ago. */
async function unusedUpload(uploadedAgo: number): Promise<{ id: string; file: string }> {
  const id = newId('upl');
  const key = `sealed/${id.slice(4, 6)}/${id}`;
  const file = path.resolve(stack.env.DATA_DIR!, 'uploads', key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'sealed bytes');
  await db('uploads').insert({ id, account_id: 'acct-ret-uploads', purpose: 'business_license', content_type: 'image/png', size: 12, sha256: 'x', storage_key: key, created_at: ago(uploadedAgo) });
  return { id, file };
}

/** A link to the hosted pages whose hour ended that long ago, never used. */
async function unusedPageLink(id: string, endedAgo: number) {
  await insertPageSession(db, { id, accountId: 'acct-ret-pages', tokenHash: id, locale: 'zh-CN', returnUrl: null, createdAt: ago(endedAgo + 60 * MINUTE), expiresAt: ago(endedAgo) });
}

async function auditEvent(resourceId: string, writtenAgo: number) {
  await recordAudit(db, { actor: { role: 'admin', name: 'retention-test' }, action: 'test.retention', resource: { kind: 'account', id: resourceId } });
  await db('audit_events').where({ resource_id: resourceId }).update({ at: ago(writtenAgo) });
}

describe('retention', () => {
  it('runs each category as a Temporal Schedule operators can see, every RETENTION_INTERVAL, skipping a run while one is going', async () => {
    for (const category of RETENTION_CATEGORIES) {
      const described = await schedule(category).describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 2000 })]);
      expect(described.action).toMatchObject({ workflowType: 'retention', taskQueue, args: [{ rules: [{ category, keepMs: MINUTE }], batchSize: 2, maxBatchesPerRun: 100 }] });
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(described.state).toMatchObject({ paused: false, note: expect.stringContaining(`${retentionVerb(category)} ${category} older than 1m`) });
    }
    await eventually(async () => expect((await schedule('audit').describe()).info.recentActions.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
  });

  it('deletes what is older than its period in batches; keeps young rows and rows still in use; the worker counts what went', async () => {
    const before = Object.fromEntries(await Promise.all(RETENTION_CATEGORIES.map(async (c) => [c, await deletedSoFar(c)] as const)));
    expect(Object.values(before).every(Number.isFinite)).toBe(true);
    for (const key of ['old-1', 'old-2', 'old-3']) await reservation(key, 2 * MINUTE, true);
    await reservation('old-still-answering', 2 * MINUTE, false);
    await reservation('young', 1_000, true);
    await providerEvent('old-done', 2 * MINUTE, 'refunding');
    await providerEvent('old-pending', 2 * MINUTE, PENDING_OUTCOME);
    await providerEvent('young-done', 1_000, 'settled');
    for (const [id, age] of [['evt_old_1', 2 * MINUTE], ['evt_old_2', 2 * MINUTE], ['evt_old_3', 2 * MINUTE], ['evt_young', 1_000]] as const) await webhookRecords(id, age);
    for (const [id, age] of [['acct-old-1', 2 * MINUTE], ['acct-old-2', 2 * MINUTE], ['acct-old-3', 2 * MINUTE], ['acct-young', 1_000]] as const) await auditEvent(id, age);
    for (const [id, age] of [['ses_retention_old', 2 * MINUTE], ['ses_retention_young', 1_000]] as const) await unusedPageLink(id, age);
    const [failedLongAgo, expiredLongAgo, verifiedLongAgo, failedJustNow] = [
      await endedVerification('failed', 2 * MINUTE),
      await endedVerification('expired', 2 * MINUTE),
      await endedVerification('verified', 2 * MINUTE),
      await endedVerification('failed', 1_000),
    ];
    const replaced = await replacedSubject(2 * MINUTE);
    const [oldUpload, youngUpload] = [await unusedUpload(2 * MINUTE), await unusedUpload(1_000)];

    await eventually(async () => {
      expect(await column('idempotency_keys', 'key', (q) => q.where('key', 'like', 'old-%'))).toEqual(['old-still-answering']);
      expect(await column('provider_events', 'event_id', (q) => q.where({ provider: 'bank' }))).toEqual(['old-pending', 'young-done']);
      expect(await column('webhook_deliveries', 'event_id', (q) => q.where({ endpoint_id: 'whe_retention' }))).toEqual(['evt_young']);
      expect(await column('webhook_events', 'id', (q) => q.where({ resource_id: 'ver_retention' }))).toEqual(['evt_young']);
      expect(await column('audit_events', 'resource_id', (q) => q.where({ action: 'test.retention' }))).toEqual(['acct-young']);
      expect(await column('page_sessions', 'id', (q) => q.where({ account_id: 'acct-ret-pages' }))).toEqual(['ses_retention_young']);
      // Unfinished processes are erased, not deleted: their keys destroyed, their rows scrubbed and marked.
      expect(await column('data_keys', 'process_id', (q) => q.whereIn('process_id', [failedLongAgo, expiredLongAgo]).whereNull('wrapped_key'))).toEqual([failedLongAgo, expiredLongAgo].sort());
      // A replaced subject's verification is erased, and its change marked; an unused upload's file is gone.
      expect(await column('data_keys', 'process_id', (q) => q.whereIn('process_id', [replaced.former, replaced.changeId]).whereNull('wrapped_key'))).toEqual([replaced.former]);
      expect(await column('changes', 'id', (q) => q.where({ id: replaced.changeId }).whereNotNull('former_subject_erased_at'))).toEqual([replaced.changeId]);
      expect(await column('uploads', 'id', (q) => q.whereIn('id', [oldUpload.id, youngUpload.id]).where({ storage_key: '[erased]' }))).toEqual([oldUpload.id]);
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(existsSync(oldUpload.file)).toBe(false);
    expect(existsSync(youngUpload.file)).toBe(true);
    const erased = await db('verifications').where({ id: failedLongAgo }).first();
    expect(erased).toMatchObject({ status: 'failed', method: 'wechat_qr', id_number_enc: null, subject: { realName: '[erased]', idType: 'mainland_id' } });
    expect(erased.personal_data_erased_at).not.toBeNull();
    // A verified subject, and a process that ended a moment ago, keep theirs.
    for (const kept of [verifiedLongAgo, failedJustNow]) {
      expect(await db('verifications').where({ id: kept }).first()).toMatchObject({ subject: { realName: '钱退出' }, id_number_enc: 'v1.sealed', personal_data_erased_at: null });
      expect(await db('data_keys').where({ process_id: kept }).first()).toMatchObject({ wrapped_key: 'v1.wrapped' });
    }
    expect(await column('idempotency_keys', 'key', (q) => q.where({ key: 'young' }))).toEqual(['young']);

    const counts: Record<RetentionCategory, number> = { idempotency: 3, 'provider-events': 1, webhooks: 3, events: 3, audit: 3, 'page-sessions': 1, 'unfinished-processes': 2, 'replaced-subjects': 1, uploads: 1 };
    for (const category of RETENTION_CATEGORIES) expect(await deletedSoFar(category)).toBeGreaterThanOrEqual(before[category]! + counts[category]);
  });

  it('a category an operator paused keeps its rows, and stays paused when a worker starts with other settings, until it is unpaused', async () => {
    const audit = schedule('audit');
    await audit.pause('held for an investigation');
    try {
      await auditEvent('acct-held', 2 * MINUTE);
      // Another category's old row going shows that runs went on meanwhile.
      await reservation('old-after-pause', 2 * MINUTE, true);
      await eventually(async () => expect(await column('idempotency_keys', 'key', (q) => q.where({ key: 'old-after-pause' }))).toEqual([]), { timeoutMs: 30_000, intervalMs: 500 });
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await column('audit_events', 'resource_id', (q) => q.where({ resource_id: 'acct-held' }))).toEqual(['acct-held']);

      // A worker starting with other settings updates the schedule and leaves it paused.
      const periods = { idempotency: MINUTE, 'provider-events': MINUTE, webhooks: MINUTE, events: MINUTE, audit: MINUTE, 'page-sessions': MINUTE, 'unfinished-processes': MINUTE, 'replaced-subjects': MINUTE, uploads: MINUTE };
      const settings: RetentionSettings = { periods, intervalMs: 2000, batchSize: 3 };
      await ensureRetentionSchedules(temporal, { taskQueue, retention: settings, logger: createLogger('silent') });
      const described = await audit.describe();
      expect(described.state).toMatchObject({ paused: true, note: 'held for an investigation' });
      expect(described.action).toMatchObject({ args: [{ batchSize: 3 }] });
      await ensureRetentionSchedules(temporal, { taskQueue, retention: { ...settings, batchSize: 2 }, logger: createLogger('silent') });
    } finally {
      await audit.unpause('investigation closed');
    }
    // Under a loaded machine the first run after unpausing may wait behind the others' (once seen taking over 30 s).
    await eventually(async () => expect(await column('audit_events', 'resource_id', (q) => q.where({ resource_id: 'acct-held' }))).toEqual([]), { timeoutMs: 60_000, intervalMs: 500 });
  });
});
