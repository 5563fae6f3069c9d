import { randomInt, randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bankAccountNumber, enterprise, register, remittanceInReview, type EnterpriseFixture } from '../support/enterprise';
import { passFace, requestAfterCooldown, uploadMaterials, verifiedEnterprise } from '../support/changes';
import { http, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { randomBirthDate, uniqueName } from '../support/personal-values';
import { eventually } from '../support/temporal-test-env';

/**
 * Signals (issue 26 item 2, SPEC §6, API.md "Reviews"): a review lists other
 * accounts' processes that share its bank account, handler, legal person or
 * contact mobile, matched on keyed hashes; the values never reach the facts
 * table, and an account's closure takes its facts with it (SPEC §11).
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };
let db: Knex;
beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(() => db?.destroy());

/** People of their own, so no other test's applications share them. */
const person = () => ({ name: uniqueName(), idNumber: mainlandId(randomBirthDate()) });
const mobile = () => `+86139${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** An enterprise of its own, in review by public remittance from this bank account; answers its account, verification and review. */
async function remittance(accountNumber: string) {
  const e: EnterpriseFixture = { ...enterprise(), legalPerson: person() };
  await register(baseUrl, e);
  const accountId = uniqueAccount('signals');
  const contact = { ...person(), mobile: mobile() };
  const handler = person();
  const v = await remittanceInReview(baseUrl, accountId, e, { bankAccount: accountNumber, contact, handler });
  return { accountId, verificationId: v.id as string, reviewId: v.reviewId as string, values: [accountNumber, contact.idNumber, contact.mobile, handler.idNumber, e.legalPerson.idNumber] };
}

const signalsOf = async (reviewId: string) => {
  const res = await api.get(`/v1/reviews/${reviewId}`, reviewer);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.signals;
};

describe('review signals', () => {
  it('two accounts with one bank account number see each other; a third with another number sees none; closure takes the facts away', { timeout: 120_000 }, async () => {
    const shared = bankAccountNumber();
    const [a, b, c] = await Promise.all([remittance(shared), remittance(shared.replace(/^6222/, '6222 ').replace(/(\d{4})$/, '-$1')), remittance(bankAccountNumber())]);

    // b printed its number with a space and a dash: the same account.
    expect(await signalsOf(a.reviewId)).toEqual([{ kind: 'bank_account', processes: [{ accountId: b.accountId, processId: b.verificationId, status: 'in_progress' }] }]);
    expect(await signalsOf(b.reviewId)).toEqual([{ kind: 'bank_account', processes: [{ accountId: a.accountId, processId: a.verificationId, status: 'in_progress' }] }]);
    expect(await signalsOf(c.reviewId)).toEqual([]);

    // The facts table holds keyed hashes of every kind, never a value (in any form: as typed or by its digits).
    const rows: { process_id: string; kind: string; fact_hash: string; row: string }[] = (
      await db.raw('select f.process_id, f.kind, f.fact_hash, f::text as row from process_facts f where f.process_id = any(?)', [[a.verificationId, b.verificationId, c.verificationId]])
    ).rows;
    expect(new Set(rows.filter((r) => r.process_id === a.verificationId).map((r) => r.kind))).toEqual(new Set(['bank_account', 'handler', 'legal_person', 'contact_mobile']));
    const bankHash = (v: { verificationId: string }) => rows.find((r) => r.process_id === v.verificationId && r.kind === 'bank_account')?.fact_hash;
    expect(bankHash(a)).toBe(bankHash(b));
    expect(bankHash(c)).not.toBe(bankHash(a));
    const text = rows.map((r) => r.row).join('\n');
    for (const value of [...a.values, ...b.values, ...c.values]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(value.replace(/\D/g, ''));
    }

    // The other process's outcome shows as it changes; once its account closes, nothing of it is left to match.
    expect((await api.post(`/v1/verifications/${b.verificationId}/cancel`, {})).status).toBe(200);
    expect((await signalsOf(a.reviewId))[0].processes[0]).toMatchObject({ processId: b.verificationId, status: 'cancelled' });
    const closed = await api.post(`/v1/accounts/${b.accountId}/closure`, { reason: 'the customer asked' }, { headers: { 'idempotency-key': `close-${randomUUID()}` } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(202);
    await eventually(async () => expect((await api.get(`/v1/accounts/${b.accountId}/closure`)).body.status).toBe('completed'), { timeoutMs: 30_000 });
    expect(await db('process_facts').where({ account_id: b.accountId }).count<{ count: string }[]>('* as count')).toEqual([{ count: '0' }]);
    expect(await signalsOf(a.reviewId)).toEqual([]);
  });

  it("an entity change's review lists another account's process with its former legal person; the same account's own is left out", { timeout: 120_000 }, async () => {
    const legalPerson = person();
    const x = uniqueAccount('signals');
    const a: EnterpriseFixture = { ...enterprise(), legalPerson };
    await verifiedEnterprise(baseUrl, x, a, { contact: { ...person(), mobile: mobile() } });
    const y = await (async () => {
      const d: EnterpriseFixture = { ...enterprise(), legalPerson };
      await register(baseUrl, d);
      const accountId = uniqueAccount('signals');
      const v = await remittanceInReview(baseUrl, accountId, d, { bankAccount: bankAccountNumber(), contact: { ...person(), mobile: mobile() }, handler: person() });
      return { accountId, verificationId: v.id as string, reviewId: v.reviewId as string };
    })();

    const b = enterprise();
    const change = await requestAfterCooldown(baseUrl, x, {
      type: 'enterprise_entity_change',
      agreementAccepted: true,
      formerLegalPerson: legalPerson,
      newEnterprise: { name: b.name, creditCode: b.code, address: { region: '上海市/浦东新区', detail: '世纪大道 1 号' } },
    });
    await passFace(baseUrl, change.nextAction.ticket);
    const materials = await uploadMaterials(baseUrl, x, ['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait']);
    const inReview = await api.post(`/v1/changes/${change.id}/materials`, { materials });
    expect(inReview.status, JSON.stringify(inReview.body)).toBe(200);

    // The change's review: y's remittance (x's own verification of A, with the same legal person, is not listed).
    expect(await signalsOf(inReview.body.reviewId)).toEqual([{ kind: 'legal_person', processes: [{ accountId: y.accountId, processId: y.verificationId, status: 'in_progress' }] }]);
    // y's review: x's change and x's verification, newest first.
    expect(await signalsOf(y.reviewId)).toEqual([
      {
        kind: 'legal_person',
        processes: [
          { accountId: x, processId: change.id, status: 'in_progress' },
          { accountId: x, processId: expect.stringMatching(/^ver_/), status: 'verified' },
        ],
      },
    ]);
  });
});
