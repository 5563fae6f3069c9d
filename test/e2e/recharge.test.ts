import knex from 'knex';
import { describe, expect, inject, it } from 'vitest';
import { parseYuan } from '../../domain/money';
import { loadConfig } from '../../platform/config';
import { bankAccountNumber, enterprise, enterpriseBody, otherAmount, register, type EnterpriseFixture } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * Platform recharge through HTTP and the sandbox bank (SPEC §4, §10): each
 * recharge shows a collection account of its own, a transfer is matched only
 * through the account it was sent to, anything not kept goes back, and every
 * test ends with the money reconciled (bank, ledger, balances).
 */
const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const api = http(baseUrl);
const platformAccount = loadConfig(inject('serviceEnv')).platformAccount.accountNumber;
const sandbox = (path: string, body: unknown) => api.post(path, body, { token: null });
const get = async (id: string) => (await api.get(`/v1/verifications/${id}`)).body;
const statement = async (account: string) => (await api.get(`/sandbox/bank/accounts/${account}/statement`, { token: null })).body.items as { amount: string; reference: string }[];
const balanceOf = async (accountId: string) => (await api.get(`/v1/accounts/${accountId}`)).body.balance as string;

interface Remit {
  amount: string;
  payee: { accountName: string; accountNumber: string; bankName: string };
}

async function start(accountId: string, e: EnterpriseFixture, options: Parameters<typeof enterpriseBody>[4] = {}) {
  const res = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'recharge', e, options));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; nextAction: Remit & { attemptsLeft: number } };
}

const send = (from: string, fromName: string, to: string, amount: string) =>
  sandbox('/sandbox/bank/transfers', { fromAccountNumber: from, fromAccountName: fromName, toAccountNumber: to, amount });
const reconciled = (accountIds: string[], bankAccounts: string[]) => expectMoneyReconciled({ baseUrl, databaseUrl, accountIds, bankAccounts });

describe('platform recharge', () => {
  it('refuses a paying account in another name', async () => {
    const accountId = uniqueAccount('rc');
    const res = await api.post(`/v1/accounts/${accountId}/verifications`, await enterpriseBody(baseUrl, accountId, 'recharge', enterprise(), { payerName: '别人的公司' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PAYER_ACCOUNT_NAME_MISMATCH');
  });

  it('refunds money from other accounts and wrong amounts; the exact transfer verifies and is credited to the balance', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('rc');
    const payer = bankAccountNumber();
    const v = await start(accountId, e, { payerAccount: payer });
    expect(v).toMatchObject({ step: 'awaiting_transfer', nextAction: { type: 'remit', attemptsLeft: 2, payee: { accountName: expect.any(String), accountNumber: expect.any(String) } } });
    const { amount, payee } = v.nextAction;
    const fen = parseYuan(amount)!;
    expect(fen).toBeGreaterThanOrEqual(1);
    expect(fen).toBeLessThanOrEqual(99);

    // From another account, even in the enterprise's name: not this verification's money, refunded, no try used.
    const stranger = bankAccountNumber();
    expect((await send(stranger, e.name, payee.accountNumber, amount)).body).toMatchObject({ delivered: true, processed: true });
    expect(await get(v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 2 } });
    await eventually(async () => expect(await statement(stranger)).toEqual([expect.objectContaining({ amount })]));

    // A wrong amount from the confirmed account: refunded, and one try used.
    const wrong = otherAmount(amount);
    await send(payer, e.name, payee.accountNumber, wrong);
    expect(await get(v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 1 } });
    await eventually(async () => expect(await statement(payer)).toEqual([expect.objectContaining({ amount: wrong })]));

    await send(payer, e.name, payee.accountNumber, amount);
    expect(await get(v.id)).toMatchObject({ status: 'verified', method: 'recharge' });
    expect(await balanceOf(accountId)).toBe(amount);
    // The matched transfer stays credited: only the wrong one came back.
    expect(await statement(payer)).toHaveLength(1);
    await reconciled([accountId], [payer, stranger]);
  });

  it('fails after two wrong transfers from the confirmed account', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const payer = bankAccountNumber();
    const accountId = uniqueAccount('rc');
    const v = await start(accountId, e, { payerAccount: payer });
    const wrong = otherAmount(v.nextAction.amount);
    for (let i = 0; i < 2; i++) await send(payer, e.name, v.nextAction.payee.accountNumber, wrong);
    expect(await get(v.id)).toMatchObject({ status: 'failed', failureReason: 'REMITTANCE_AMOUNT_MISMATCH' });
    await reconciled([accountId], [payer]);
  });
});

describe('a collection account of its own (SPEC §10)', () => {
  it('money sent to the platform’s main account, or to the account of a recharge that ended, goes back and verifies nothing', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const payer = bankAccountNumber();
    const accountId = uniqueAccount('rc');
    const v = await start(accountId, e, { payerAccount: payer });
    const { amount, payee } = v.nextAction;
    expect(payee.accountNumber).toMatch(/^\d{8,30}$/);
    expect(payee.accountNumber).not.toBe(platformAccount);

    // The exact amount from the confirmed account, but to the platform's own account: not a match.
    expect((await send(payer, e.name, platformAccount, amount)).body).toMatchObject({ delivered: true });
    await eventually(async () => expect(await statement(payer)).toEqual([expect.objectContaining({ amount })]));
    expect(await get(v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 2 } });

    // Once the recharge ended, its collection account takes nothing more.
    expect((await api.post(`/v1/verifications/${v.id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    await send(payer, e.name, payee.accountNumber, amount);
    await eventually(async () => expect(await statement(payer)).toHaveLength(2));
    expect(await get(v.id)).toMatchObject({ status: 'cancelled' });
    expect(await balanceOf(accountId)).toBe('0.00');

    // Another customer's account at the bank is none of the platform's business: nothing is reported.
    expect((await send(payer, e.name, bankAccountNumber(), amount)).body).toMatchObject({ eventId: null, delivered: false });
    await reconciled([accountId], [payer]);
  });

  it('a ring of strangers’ recharges naming an enterprise’s account verifies none of them when the enterprise remits for its own', async () => {
    // Enterprise X's name, credit code and corporate account number are public (its invoices carry them).
    const x = enterprise();
    await register(baseUrl, x);
    const xAccount = bankAccountNumber();
    // A stranger opens recharges for X on throwaway accounts first, each naming X's account as the payer.
    const ring = await Promise.all(Array.from({ length: 6 }, async () => {
      const accountId = uniqueAccount('ring');
      return { accountId, v: await start(accountId, x, { payerAccount: xAccount }) };
    }));
    const own = uniqueAccount('x');
    const mine = await start(own, x, { payerAccount: xAccount });
    const numbers = [mine, ...ring.map((r) => r.v)].map((v) => v.nextAction.payee.accountNumber);
    expect(new Set(numbers).size).toBe(numbers.length);

    // X remits exactly what its own page shows, to the account its own page shows.
    expect((await send(xAccount, x.name, mine.nextAction.payee.accountNumber, mine.nextAction.amount)).body).toMatchObject({ processed: true });
    expect(await get(mine.id)).toMatchObject({ status: 'verified' });
    expect(await balanceOf(own)).toBe(mine.nextAction.amount);

    // The ring has nothing: still waiting, no balance, no slot of X's quota.
    for (const r of ring) {
      expect(await get(r.v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 2 } });
      expect(await balanceOf(r.accountId)).toBe('0.00');
    }
    // Paying its own recharge's exact amount from another account, in X's name, gets the stranger nothing either.
    const strangers = bankAccountNumber();
    const bait = ring[0]!.v.nextAction;
    expect((await send(strangers, x.name, bait.payee.accountNumber, bait.amount)).body).toMatchObject({ processed: true });
    expect(await get(ring[0]!.v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 2 } });
    const lookup = await api.post('/v1/admin/identity-lookups', { creditCode: x.code }, { token: KEYS.admin });
    expect(lookup.body.accounts).toEqual([own]);

    for (const r of ring) expect((await api.post(`/v1/verifications/${r.v.id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    await reconciled([own, ...ring.map((r) => r.accountId)], [xAccount, strangers]);
  });
});

describe('money the bank will not take back', () => {
  it('a refund the bank refuses for good is left refund_refused for operators; the recharge goes on and verifies', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    // The sandbox bank refuses, for good, to send money to an account ending 0000 (closed since it paid).
    const payer = bankAccountNumber(true);
    const accountId = uniqueAccount('rc');
    const v = await start(accountId, e, { payerAccount: payer });
    await send(payer, e.name, v.nextAction.payee.accountNumber, otherAmount(v.nextAction.amount));
    expect(await get(v.id)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 1 } });
    const db = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
    try {
      await eventually(async () => expect(await db('received_transfers').where({ to_account: v.nextAction.payee.accountNumber }).select('state', 'refund_reason')).toEqual([{ state: 'refund_refused', refund_reason: 'wrong_amount' }]));
    } finally {
      await db.destroy();
    }
    await send(payer, e.name, v.nextAction.payee.accountNumber, v.nextAction.amount);
    expect(await get(v.id)).toMatchObject({ status: 'verified' });
    expect(await statement(payer)).toEqual([]);
    await reconciled([accountId], [payer]);
  });
});
