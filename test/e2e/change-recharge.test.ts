import { describe, expect, inject, it } from 'vitest';
import { bankAccountNumber, enterpriseBody, otherAmount } from '../support/enterprise';
import { enterprise, getChange, passFace, register, requestChange, settledChange, verifiedIndividual } from '../support/changes';
import { http, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * An individual → enterprise change paying by recharge (SPEC §5, §10): whatever
 * step it is revoked at, nothing of the account changes and every fen the
 * payer sent is settled once — refunded, or credited at the switch.
 */
const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const api = http(baseUrl);
const statement = async (account: string) => (await api.get(`/sandbox/bank/accounts/${account}/statement`, { token: null })).body.items as { amount: string }[];
const send = (from: string, fromName: string, to: string, amount: string) =>
  api.post('/sandbox/bank/transfers', { fromAccountNumber: from, fromAccountName: fromName, toAccountNumber: to, amount }, { token: null });

/** A verified individual account asking to become enterprise `e`'s, paying by recharge from `payer`. */
async function changeByRecharge() {
  const accountId = uniqueAccount('chgrc');
  await verifiedIndividual(baseUrl, accountId);
  const e = enterprise();
  await register(baseUrl, e);
  const payer = bankAccountNumber();
  const { subjectType: _s, ...body } = await enterpriseBody(baseUrl, accountId, 'recharge', e, { payerAccount: payer });
  const change = await requestChange(baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...body });
  return { accountId, e, payer, change };
}

/** Through the holder's face: the change verifies the enterprise by recharge; its next action is the remittance. */
async function toRemittance(change: { id: string; nextAction: { ticket: string } }) {
  await passFace(baseUrl, change.nextAction.ticket);
  const verifying = await getChange(baseUrl, change.id);
  expect(verifying).toMatchObject({ step: 'verifying_new_subject', nextAction: { type: 'remit' } });
  return verifying as { verificationId: string; nextAction: { amount: string; payee: { accountNumber: string } } };
}

const revoke = async (changeId: string) => {
  const res = await api.post(`/v1/changes/${changeId}/revoke`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ status: 'revoked' });
};

async function expectUnchanged(accountId: string) {
  const account = (await api.get(`/v1/accounts/${accountId}`)).body;
  expect(account).toMatchObject({ verification: { subjectType: 'individual' }, openProcess: null, balance: '0.00' });
}

describe('a change paying by recharge, revoked at each step', () => {
  it('at the holder’s face: revoked, nothing moved', async () => {
    const { accountId, payer, change } = await changeByRecharge();
    await revoke(change.id);
    await expectUnchanged(accountId);
    await expectMoneyReconciled({ baseUrl, databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });

  it('while its recharge waits, after a wrong transfer: revoked, the verification cancelled, the wrong amount refunded', async () => {
    const { accountId, e, payer, change } = await changeByRecharge();
    const verifying = await toRemittance(change);
    const wrong = otherAmount(verifying.nextAction.amount);
    await send(payer, e.name, verifying.nextAction.payee.accountNumber, wrong);
    await revoke(change.id);
    expect((await api.get(`/v1/verifications/${verifying.verificationId}`)).body.status).toBe('cancelled');
    // The exact amount sent after the revocation reaches an account that is closed: it goes back too.
    await send(payer, e.name, verifying.nextAction.payee.accountNumber, verifying.nextAction.amount);
    await eventually(async () => expect((await statement(payer)).map((s) => s.amount).sort()).toEqual([verifying.nextAction.amount, wrong].sort()));
    await expectUnchanged(accountId);
    await expectMoneyReconciled({ baseUrl, databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });

  it('not revoked: the exact transfer verifies the enterprise and is credited at the switch, once', async () => {
    const { accountId, e, payer, change } = await changeByRecharge();
    const verifying = await toRemittance(change);
    await send(payer, e.name, verifying.nextAction.payee.accountNumber, verifying.nextAction.amount);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({ verification: { subjectType: 'enterprise' }, balance: verifying.nextAction.amount });
    expect((await api.post(`/v1/changes/${change.id}/revoke`)).status).toBe(409);
    await expectMoneyReconciled({ baseUrl, databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });
});
