import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addBusinessDays } from '../../domain/business-days';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * The payout as it travels (issue 21, SPEC §4.1 step 4), through the sandbox
 * bank: the verification shows the bank's reference and the payout's state
 * (ordered, then sent when the money leaves, then the amount step once it
 * settles), and the bound after which it would end PAYOUT_NOT_CONFIRMED.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await db?.destroy();
});

interface Written {
  revision: number;
  step: string | null;
  next_action: { type: string; payout?: { reference: string | null; state: string; orderedAt: string; confirmBy: string } } | null;
}

/** Every state of the verification the read model held, one per revision (its `verification.updated` events). */
async function revisions(verificationId: string): Promise<Written[]> {
  const rows: { snapshot: Written | string }[] = await db('webhook_events').where({ resource_id: verificationId, type: 'verification.updated' }).select('snapshot');
  return rows.map((r) => (typeof r.snapshot === 'string' ? (JSON.parse(r.snapshot) as Written) : r.snapshot)).sort((a, b) => a.revision - b.revision);
}

describe('public remittance: the payout as it travels', () => {
  it('shows the bank’s reference and the state (ordered → sent), then the amount step; confirmBy is 5 business days after the order', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const accountId = uniqueAccount('po');
    const v = await remittanceInReview(baseUrl, accountId, e);
    const approved = await api.post(`/v1/reviews/${v.nextAction.reviewId}/decision`, { decision: 'approve' }, { token: KEYS.reviewer });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    // The decision is answered once the payout step shows; the API's schema carries the payout.
    const waiting = (await api.get(`/v1/verifications/${v.id}`)).body;
    expect(waiting).toMatchObject({ step: 'awaiting_payout', nextAction: { type: 'await_payout', payout: { state: expect.stringMatching(/^(ordered|sent)$/), confirmBy: expect.any(String) } } });
    await eventually(async () => expect((await api.get(`/v1/verifications/${v.id}`)).body.step).toBe('awaiting_amount'), { timeoutMs: 20_000 });

    const written = await revisions(v.id);
    const payouts = written.filter((w) => w.step === 'awaiting_payout').map((w) => w.next_action!.payout!);
    // The approval shows the step at once; the bank's answer brings its reference; the money leaving marks it sent.
    expect(payouts.map((p) => [p.state, p.reference === null ? null : 'ref'])).toEqual([
      ['ordered', null],
      ['ordered', 'ref'],
      ['sent', 'ref'],
    ]);
    const reference = payouts[1]!.reference!;
    expect(reference).toMatch(/^PO[0-9A-F]{16}$/);
    expect(payouts[2]!.reference).toBe(reference);
    const { orderedAt, confirmBy } = payouts[0]!;
    expect(payouts.every((p) => p.orderedAt === orderedAt && p.confirmBy === confirmBy)).toBe(true);
    expect(confirmBy).toBe(addBusinessDays(new Date(orderedAt), 5).toISOString());
    expect(written.at(-1)).toMatchObject({ step: 'awaiting_amount', next_action: { type: 'enter_amount' } });
    await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [accountId] });
  });
});
