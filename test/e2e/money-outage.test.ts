import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otherAmount, remit, startRecharge } from '../support/enterprise';
import { promptly } from '../support/outage';
import { startOwnStack, type OwnStack } from '../support/own-stack';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * A bank outage never keeps a verification open or a cancel waiting (SPEC §10):
 * refunds run in workflows of their own and are retried without bound. On a
 * stack of its own, since the sandbox's fault switch is global.
 */
let stack: OwnStack;

beforeAll(async () => {
  stack = await startOwnStack('money_outage');
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const bank = (down: boolean) => stack.api.put('/sandbox/faults/bank', { down }, { token: null });

describe('the bank down while money goes back', () => {
  it('a cancel is answered at once; the refund waits for the bank and is sent once when it is back', async () => {
    const { api, baseUrl } = stack;
    const r = await startRecharge(baseUrl, 'outage');
    const { accountId, payer, payee } = r;

    expect((await bank(true)).status).toBe(200);
    try {
      // The payer's wrong amount still reaches the platform (the sandbox plays the payer's own bank).
      expect((await remit(baseUrl, r, otherAmount(r.amount))).body).toMatchObject({ delivered: true, processed: true });
      expect((await api.get(`/v1/verifications/${r.id}`)).body).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 1 } });

      const cancelled = await promptly(api, 'POST', `/v1/verifications/${r.id}/cancel`);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
      expect((await api.get(`/v1/accounts/${accountId}`)).body.openProcess).toBeNull();

      const db = knex({ client: 'pg', connection: stack.databaseUrl, pool: { min: 0, max: 1 } });
      try {
        expect(await db('received_transfers').where({ to_account: payee.accountNumber }).first('state')).toEqual({ state: 'refunding' });
      } finally {
        await db.destroy();
      }
      expect((await api.get(`/sandbox/bank/accounts/${payer}/statement`, { token: null })).body.items).toEqual([]);
    } finally {
      await bank(false);
    }
    // The refund workflow's retries reach the bank once it is back (its backoff grows to minutes: allow for it).
    await eventually(async () => expect((await api.get(`/sandbox/bank/accounts/${payer}/statement`, { token: null })).body.items).toHaveLength(1), { timeoutMs: 60_000, intervalMs: 500 });
    await expectMoneyReconciled({ baseUrl, databaseUrl: stack.databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });
});
