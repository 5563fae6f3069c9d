import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SandboxNotifier } from '../../adapters/sandbox/notifier';
import { OPERATORS_ACCOUNT } from '../../activities/webhook-health';
import { createWebhookActivities } from '../../activities/webhooks';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { newId } from '../../platform/ids';
import { dataKeyStore } from '../../store/data-keys';
import { freePort } from '../../scripts/lib/processes';

/**
 * API.md: an endpoint that has failed every delivery for WEBHOOK_DISABLE_AFTER
 * is disabled and the operators are emailed (once); its deliveries stop; an
 * acknowledged attempt clears the count. The delivery activity against the real
 * PostgreSQL, the bound shortened to an hour.
 */
let db: Knex;
const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
const HOUR = 3600_000;
let activities: ReturnType<typeof createWebhookActivities>;
const deliver = (args: { endpointId: string; eventId: string; body: string }) => new MockActivityEnvironment().run((a: typeof args) => activities.deliverWebhook(a), args);

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  activities = createWebhookActivities({
    db,
    cipher,
    keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }),
    providers: { notifier: new SandboxNotifier(db) },
    webhookTargets: { allowLoopback: true },
    webhookHealth: { disableAfterMs: HOUR, operatorEmails: ['ops@example.com'] },
  });
});
afterAll(async () => {
  await db?.destroy();
});

async function endpointAt(url: string, failingForMs: number | null) {
  const id = newId('whe');
  await db('webhook_endpoints').insert({ id, url, secret_enc: cipher.encrypt('whsec_x'), failing_since: failingForMs === null ? null : new Date(Date.now() - failingForMs) });
  return id;
}
const endpointRow = (id: string) => db('webhook_endpoints').where({ id }).first();
const operatorEmails = (id: string) => db('notifications').where({ account_id: OPERATORS_ACCOUNT }).whereLike('title', `%${id}%`).select('channel', 'recipient', 'body');

describe('an endpoint that keeps failing', () => {
  it('counts from its first failed attempt, and stays enabled while within the bound', async () => {
    const id = await endpointAt(`http://127.0.0.1:${await freePort()}/down`, null);
    await expect(deliver({ endpointId: id, eventId: newId('evt'), body: '{}' })).rejects.toThrow(/WebhookNotAcknowledged|webhook/);
    const row = await endpointRow(id);
    expect(row).toMatchObject({ status: 'enabled' });
    expect(row.failing_since).not.toBeNull();
  });

  it('is disabled once it has failed for the bound: operators emailed once, its deliveries stop', async () => {
    const id = await endpointAt(`http://127.0.0.1:${await freePort()}/down`, 2 * HOUR);
    const eventId = newId('evt');
    expect(await deliver({ endpointId: id, eventId, body: '{}' })).toEqual({ outcome: 'endpoint_disabled' });
    expect(await endpointRow(id)).toMatchObject({ status: 'disabled', disabled_at: expect.any(Date) });
    const emails = await operatorEmails(id);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ channel: 'email', recipient: 'ops@example.com', body: expect.stringContaining(`/v1/webhook-endpoints/${id}/replay`) });
    // A retried attempt, and the next event: stopped at once, nobody emailed again.
    expect(await deliver({ endpointId: id, eventId: newId('evt'), body: '{}' })).toEqual({ outcome: 'endpoint_disabled' });
    expect(await operatorEmails(id)).toHaveLength(1);
    expect(await db('webhook_deliveries').where({ endpoint_id: id, event_id: eventId }).first()).toMatchObject({ status: 'stopped' });
  });
});
