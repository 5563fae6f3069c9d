import { createHmac } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataConverter } from '../../platform/temporal';
import { bankAccountNumber, enterprise, enterpriseBody, register } from '../support/enterprise';
import { http, uniqueAccount } from '../support/http';
import { expectMoneyReconciled, gatherMoneyFacts } from '../support/reconcile';
import { moneyDiscrepancies } from '../support/reconcile-rules';
import { eventually } from '../support/temporal-test-env';

/**
 * Money exactly once (issues 9, 21): a provider's callback is decided and
 * recorded before its effect — a transfer's decision in the money ledger — so
 * a redelivery repeats the decision instead of making a new one, and a
 * transfer credited to a balance is never refunded, whoever orders it.
 * Reconciled against the sandbox bank's statement and the ledger.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
let db: Knex;
let temporal: Client;

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), dataConverter: dataConverter(Buffer.from(inject('secrets').codecKey, 'base64')) });
});
afterAll(async () => {
  await db?.destroy();
  await temporal?.connection.close();
});

/** Redelivers a bank callback exactly as the bank signs it. */
async function redeliver(body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const at = Math.floor(Date.now() / 1000);
  const mac = createHmac('sha256', inject('secrets').bankCallback).update(`${at}.${raw}`).digest('hex');
  return api.call('POST', '/v1/callbacks/bank', { rawBody: raw, token: null, headers: { 'content-type': 'application/json', 'x-signature': `t=${at},v1=${mac}` } });
}

/** A recharge verification completed by its exact transfer, credited to the balance. */
async function rechargedAccount() {
  const e = enterprise();
  await register(baseUrl, e);
  const accountId = uniqueAccount('money');
  const payer = bankAccountNumber();
  const started = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'recharge', e, { payerAccount: payer }));
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const { amount, payee } = started.body.nextAction as { amount: string; payee: { accountNumber: string } };
  const transfer = { fromAccountNumber: payer, fromAccountName: e.name, toAccountNumber: payee.accountNumber, amount };
  const sent = await api.post('/sandbox/bank/transfers', transfer, { token: null });
  expect(sent.body).toMatchObject({ delivered: true, processed: true });
  expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified');
  const callback = { ...transfer, eventId: sent.body.eventId, type: 'transfer.received', transferId: sent.body.transferId, occurredAt: new Date().toISOString() };
  return { accountId, payer, amount, callback, transferId: sent.body.transferId as string, verificationId: started.body.id as string };
}

/** No refund of the transfer was ever started: the ledger knew it was credited. */
const noRefund = (transferId: string) => expect(temporal.workflow.getHandle(`refund/${transferId}`).describe()).rejects.toThrow(/not found/);

/** The bank, the ledger and the account agree: the credited transfer is on the balance and was never sent back. */
async function reconciled(r: Awaited<ReturnType<typeof rechargedAccount>>) {
  const statement = (await api.get(`/sandbox/bank/accounts/${r.payer}/statement`, { token: null })).body.items;
  expect(statement).toEqual([]);
  const ledger = await db('ledger_entries').where({ account_id: r.accountId }).select('amount_fen', 'reference');
  expect(ledger).toHaveLength(1);
  expect(ledger[0].reference).toBe(r.transferId);
  const account = (await api.get(`/v1/accounts/${r.accountId}`)).body;
  expect(account.balance).toBe(r.amount);
  const facts = await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [r.accountId] });
  // It read what it reconciled: the payer's statement (found from the sealed application) and the credit.
  expect(facts.statements).toHaveLength(1);
  expect(facts.ledger).toEqual([expect.objectContaining({ reference: r.transferId })]);
}

describe('money exactly once', () => {
  it('a redelivered transfer callback is acknowledged as a duplicate and changes nothing', async () => {
    const r = await rechargedAccount();
    const again = await redeliver(r.callback);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: true, duplicate: true });
    await reconciled(r);
  });

  it('a crash between recording the decision and finishing it: the redelivery carries out the same decision, and the credited money stays', async () => {
    const r = await rechargedAccount();
    // The recorded destination has ended (its run closes a moment after the read model shows it verified).
    await eventually(async () => expect((await temporal.workflow.getHandle(`verification/${r.verificationId}`).describe()).status.name).toBe('COMPLETED'), { timeoutMs: 30_000 });
    // As if the service died after recording the event and signalling the workflow, before noting the outcome.
    await db('provider_events').where({ provider: 'bank', event_id: r.callback.eventId }).update({ outcome: 'pending' });
    const again = await redeliver(r.callback);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    // The ledger holds the transfer as credited: the redelivery settles nothing again.
    expect(again.body).toMatchObject({ received: true, duplicate: false, routedTo: null });
    await noRefund(r.transferId);
    await reconciled(r);
  });

  it('an event whose record was lost is decided again from the ledger: nothing moves, and a refund of credited money ordered anyway sends nothing', async () => {
    const r = await rechargedAccount();
    await db('provider_events').where({ provider: 'bank', event_id: r.callback.eventId }).delete();
    const again = await redeliver(r.callback);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ routedTo: null });
    await noRefund(r.transferId);
    // Whoever orders its refund anyway, the credited money stays.
    const refund = await temporal.workflow.start('refundTransfer', { taskQueue: inject('serviceEnv').TEMPORAL_TASK_QUEUE!, workflowId: `refund/${r.transferId}`, args: [{ transferId: r.transferId, reason: 'test' }] });
    await refund.result();
    await reconciled(r);
  });

  it('the reconciliation fails on real rows where money moved twice: a credited transfer the bank also sent back', async () => {
    const r = await rechargedAccount();
    await db('sandbox_bank_transfers').where({ id: r.transferId }).update({ refund_request_id: `refund/${r.transferId}`, refunded_at: db.fn.now() });
    const found = moneyDiscrepancies(await gatherMoneyFacts(db, { baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [r.accountId] }));
    expect(found).toContain(`transfer ${r.transferId} is both credited and refunded`);
    expect(found).toContain(`transfer ${r.transferId} is credited in the service's ledger, but refunded at the bank`);
  });
});
