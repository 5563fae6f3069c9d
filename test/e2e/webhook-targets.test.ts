import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebhookActivities } from '../../activities/webhooks';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { dataKeyStore } from '../../store/data-keys';
import { newId } from '../../platform/ids';
import { SandboxNotifier } from '../../adapters/sandbox/notifier';

/**
 * The delivery checks its target again (SPEC §10 "No door to the inside"),
 * against the real PostgreSQL: an endpoint registered before the check
 * existed, or whose name now resolves elsewhere, gets nothing, and the attempt
 * fails like any other (retried), recorded without the URL's path or query.
 */
let db: Knex;
const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
let deliverWebhook: ReturnType<typeof createWebhookActivities>['deliverWebhook'];

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  // As in production: no webhookTargets given, so loopback is refused too.
  const activities = createWebhookActivities({ db, cipher, keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }), providers: { notifier: new SandboxNotifier(db) } });
  deliverWebhook = (args) => new MockActivityEnvironment().run((a: typeof args) => activities.deliverWebhook(a), args);
});
afterAll(async () => {
  await db?.destroy();
});

describe('webhook delivery to an inside address', () => {
  it.each([
    ['a private address', 'http://10.0.0.1:9/hooks?token=client-secret', '10.0.0.1 is a private address'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/?token=client-secret', '169.254.169.254 is a cloud metadata address'],
    ['loopback, by default', 'http://127.0.0.1:9/hooks?token=client-secret', '127.0.0.1 is a loopback address (refused in production)'],
  ])('to %s is a failed attempt, retried, recorded without the path or query', async (_what, url, reason) => {
    const endpointId = newId('whe');
    const eventId = newId('evt');
    await db('webhook_endpoints').insert({ id: endpointId, url, secret_enc: cipher.encrypt('whsec_x') });
    try {
      const failure = await deliverWebhook({ endpointId, eventId, body: '{}' }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'WebhookNotAcknowledged', nonRetryable: false });
      expect((failure as Error).message).toContain(reason);
      expect((failure as Error).message).not.toMatch(/client-secret|hooks|meta-data/);
      const delivery = await db('webhook_deliveries').where({ endpoint_id: endpointId, event_id: eventId }).first();
      expect(delivery).toMatchObject({ status: 'retrying', attempts: 1, last_status: null, last_error: reason });
    } finally {
      // The shared stack's dispatcher would otherwise start deliveries to it.
      await db('webhook_endpoints').where({ id: endpointId }).update({ deleted_at: db.fn.now() });
    }
  });
});
