import { describe, expect, it } from 'vitest';
import { moneyDiscrepancies, type MoneyFacts } from '../support/reconcile-rules';

/**
 * The reconciliation the fault tests end with must fail when money moved
 * twice, or for someone who did not order it: a consistent world passes, and
 * each hand-made fault in it is named.
 */
const REMITTANCE = 'verification/ver_remit';
const RECHARGE = 'verification/ver_recharge';
/** The recharge's own collection account. */
const COLLECTION = '1105018800000000000017';

function world(): MoneyFacts {
  return {
    verifications: [
      { id: 'ver_remit', accountId: 'acct-r', workflowId: REMITTANCE, method: 'public_remittance', status: 'verified', payeeHash: 'h-payee', payerHash: null, expectedFen: null, collectionAccount: null, changeStatus: null },
      { id: 'ver_recharge', accountId: 'acct-c', workflowId: RECHARGE, method: 'recharge', status: 'verified', payeeHash: null, payerHash: 'h-payer', expectedFen: 37, collectionAccount: COLLECTION, changeStatus: null },
      { id: 'ver_wechat', accountId: 'acct-w', workflowId: 'verification/ver_wechat', method: 'wechat_qr', status: 'verified', payeeHash: null, payerHash: null, expectedFen: null, collectionAccount: null, changeStatus: null },
    ],
    payouts: [{ requestId: `${REMITTANCE}/payout`, reference: REMITTANCE, toAccountHash: 'h-payee', amountFen: 42, refused: false, due: true }],
    transfers: [
      { id: 'trf_wrong', fromAccountHash: 'h-payer', toPlatform: true, toAccount: COLLECTION, amountFen: 99, refundRequestId: 'refund/trf_wrong', refundRefused: false },
      { id: 'trf_exact', fromAccountHash: 'h-payer', toPlatform: true, toAccount: COLLECTION, amountFen: 37, refundRequestId: null, refundRefused: false },
    ],
    received: [
      { transferId: 'trf_wrong', state: 'refunded', verificationId: 'ver_recharge' },
      { transferId: 'trf_exact', state: 'credited', verificationId: 'ver_recharge' },
    ],
    ledger: [{ accountId: 'acct-c', amountFen: 37, reference: 'trf_exact' }],
    statements: [
      { label: 'payee', accountHash: 'h-payee', items: [{ amount: '0.42', reference: `${REMITTANCE}/payout` }] },
      { label: 'payer', accountHash: 'h-payer', items: [{ amount: '0.99', reference: 'refund:trf_wrong' }] },
    ],
    balances: [
      { accountId: 'acct-c', balanceFen: 37 },
      { accountId: 'acct-r', balanceFen: 0 },
      { accountId: 'acct-w', balanceFen: 0 },
    ],
  };
}

const statement = (f: MoneyFacts, label: string) => f.statements.find((s) => s.label === label)!;

describe('moneyDiscrepancies', () => {
  it('finds nothing in a world where the money agrees', () => {
    expect(moneyDiscrepancies(world())).toEqual([]);
  });

  it.each<[string, (f: MoneyFacts) => void, RegExp]>([
    ['a payout paid twice (the same line twice on the statement)', (f) => statement(f, 'payee').items.push({ amount: '0.42', reference: `${REMITTANCE}/payout` }), /appears 2 times/],
    [
      'a payout ordered twice under two request ids (paid twice)',
      (f) => {
        f.payouts.push({ ...f.payouts[0]!, requestId: `${REMITTANCE}/payout-retry` });
        statement(f, 'payee').items.push({ amount: '0.42', reference: `${REMITTANCE}/payout-retry` });
      },
      /ordered 2 payouts/,
    ],
    ['a payout for a verification that did not order one', (f) => f.payouts.push({ ...f.payouts[0]!, requestId: 'verification/ver_wechat/payout', reference: 'verification/ver_wechat' }), /did not order one/],
    ['a payout for a process outside the test', (f) => f.payouts.push({ ...f.payouts[0]!, requestId: 'verification/ver_other/payout', reference: 'verification/ver_other' }), /did not order one/],
    ['money on a statement with no payout order', (f) => statement(f, 'payee').items.push({ amount: '0.10', reference: 'mystery' }), /no payout order/],
    ['a payout of another amount than ordered', (f) => (statement(f, 'payee').items[0]!.amount = '0.43'), /shows 0.43/],
    ['a refused payout that was paid', (f) => (f.payouts[0]!.refused = true), /refused but paid/],
    ['a settled payout missing from the statement', (f) => (statement(f, 'payee').items = []), /0 times/],
    ['a payout to an account the application did not name', (f) => (f.verifications[0]!.payeeHash = 'h-elsewhere'), /did not name/],
    ['a refund sent twice', (f) => statement(f, 'payer').items.push({ amount: '0.99', reference: 'refund:trf_wrong' }), /appears 2 times/],
    ['a refund of another amount', (f) => (statement(f, 'payer').items[0]!.amount = '0.98'), /refunds 0.98/],
    [
      'a credited transfer that was also refunded',
      (f) => {
        f.transfers[1]!.refundRequestId = 'refund/trf_exact';
        statement(f, 'payer').items.push({ amount: '0.37', reference: 'refund:trf_exact' });
      },
      /both credited and refunded/,
    ],
    ['a transfer neither credited nor refunded', (f) => (f.transfers[0]!.refundRequestId = null), /neither credited nor refunded/],
    ['a refund under a second request id', (f) => (f.transfers[0]!.refundRequestId = 'refund/trf_wrong#2'), /not refund\/trf_wrong/],
    [
      'one recharge credited twice',
      (f) => {
        f.transfers.push({ id: 'trf_again', fromAccountHash: 'h-payer', toPlatform: true, toAccount: COLLECTION, amountFen: 37, refundRequestId: null, refundRefused: false });
        f.received.push({ transferId: 'trf_again', state: 'credited', verificationId: 'ver_recharge' });
        f.ledger.push({ accountId: 'acct-c', amountFen: 37, reference: 'trf_again' });
        f.balances[0]!.balanceFen = 74;
      },
      /credited 2 times/,
    ],
    ['a credit to an account that did not order it', (f) => (f.ledger[0]!.accountId = 'acct-w'), /matches no verified recharge/],
    ['a credit for a recharge that did not verify', (f) => (f.verifications[1]!.status = 'failed'), /matches no verified recharge/],
    ['a credit with no transfer behind it', (f) => f.ledger.push({ accountId: 'acct-c', amountFen: 5, reference: 'trf_none' }), /has no transfer/],
    ['a balance that is not the sum of its credits', (f) => (f.balances[0]!.balanceFen = 74), /balance of 74 fen, its credits sum to 37/],
    ['a credit of money sent to another recharge’s collection account', (f) => (f.transfers[1]!.toAccount = '1105018800000000000025'), /at its own collection account/],
    ['a transfer the service never recorded', (f) => (f.received = f.received.slice(0, 1)), /trf_exact is in the service's ledger 0 times/],
    ['a ledger that says refunded while the bank credited nothing back', (f) => (f.received[1]!.state = 'refunded'), /trf_exact is refunded in the service's ledger, but credited at the bank/],
    ['a refund still owed', (f) => (f.received[0]!.state = 'refunding'), /trf_wrong is refunding in the service's ledger/],
    [
      'money still held by a process that ended',
      (f) => f.received.push({ transferId: 'trf_held', state: 'held', verificationId: 'ver_recharge' }),
      /trf_held is still held by ver_recharge, which is verified/,
    ],
    [
      'money kept for the switch of a change that was revoked',
      (f) => {
        f.verifications[1]!.changeStatus = 'revoked';
        f.received.push({ transferId: 'trf_kept', state: 'matched', verificationId: 'ver_recharge' });
      },
      /kept for the switch of a change that is revoked/,
    ],
  ])('names %s', (_label, fault, expected) => {
    const facts = world();
    fault(facts);
    const found = moneyDiscrepancies(facts);
    expect(found.some((line) => expected.test(line)), found.join('\n') || 'nothing found').toBe(true);
  });
});
