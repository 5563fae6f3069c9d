import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { historyWithoutCodec } from '../support/history';
import { eventually } from '../support/temporal-test-env';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';

const api = http(inject('baseUrl'));
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl') });
});
afterAll(async () => {
  await db?.destroy();
});

async function startWechat(accountId: string, body = individualBody()) {
  const res = await api.post(`/v1/accounts/${accountId}/verifications`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function scan(ticket: string, record: { realName: string; idNumber: string; bankCardLinked?: boolean; idType?: string; birthDate?: string }) {
  return api.post('/sandbox/wechat/scans', { bankCardLinked: true, ...record, ticket }, { token: null });
}

async function settled(id: string) {
  return eventually(async () => {
    const res = await api.get(`/v1/verifications/${id}`);
    expect(res.body.status).not.toBe('in_progress');
    return res.body;
  });
}

describe('individual WeChat QR verification, end to end', () => {
  it('verifies an account through a sandbox scan, and every view reflects it', async () => {
    const accountId = uniqueAccount();
    const idNumber = mainlandId('1990-03-07');
    const started = await startWechat(accountId, individualBody({ idNumber }));
    expect(started).toMatchObject({
      id: expect.stringMatching(/^ver_/),
      accountId,
      subjectType: 'individual',
      method: 'wechat_qr',
      status: 'in_progress',
      step: 'awaiting_scan',
      failureReason: null,
      nextAction: { type: 'scan_qr', provider: 'wechat', expired: false, refreshesLeft: 5 },
      subject: { realName: '张三', idType: 'mainland_id', idNumber: `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}` },
    });
    expect(started.steps).toEqual([
      { name: 'basic_info', state: 'done' },
      { name: 'verify', state: 'current' },
      { name: 'complete', state: 'pending' },
    ]);
    const qrLifetime = Date.parse(started.nextAction.expiresAt) - Date.parse(started.createdAt);
    expect(qrLifetime).toBeGreaterThan(9 * 60_000);
    expect(qrLifetime).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    expect(Date.parse(started.expiresAt) - Date.parse(started.createdAt)).toBeGreaterThan(23.9 * 3600_000);

    const during = await api.get(`/v1/accounts/${accountId}`);
    expect(during.body.openProcess).toEqual({ kind: 'verification', id: started.id });
    expect(during.body.verification.status).toBe('unverified');

    const scanned = await scan(started.nextAction.ticket, { realName: '张三', idNumber });
    expect(scanned.status).toBe(202);
    expect(scanned.body).toMatchObject({ delivered: true, callbackStatus: 200, processed: true });

    // The sandbox answered after the workflow handled the event: no polling needed.
    const done = (await api.get(`/v1/verifications/${started.id}`)).body;
    expect(done).toMatchObject({ status: 'verified', step: null, nextAction: null, failureReason: null });
    expect(done.completedAt).not.toBeNull();

    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({
      id: accountId,
      verification: { status: 'verified', subjectType: 'individual', method: 'wechat_qr', subject: { idNumber: done.subject.idNumber } },
      capabilities: { vatSpecialInvoice: false, enterpriseActivities: false },
      openProcess: null,
      balance: '0.00',
    });
    // An individual may become an enterprise at once (SPEC §5: no cooling-off for individual → enterprise).
    expect(account.changeAllowedFrom).toBe(account.verification.verifiedAt);
    // Which change buttons to enable (SPEC §12): enterprise at once, another person after the cooling-off, no enterprise change.
    const options = Object.fromEntries((account.changeOptions as { type: string; fits: boolean; allowedFrom: string | null }[]).map((o) => [o.type, o]));
    expect(options.individual_to_enterprise).toEqual({ type: 'individual_to_enterprise', fits: true, allowedFrom: account.verification.verifiedAt });
    expect(options.individual_to_individual).toMatchObject({ fits: true });
    expect(Date.parse(options.individual_to_individual!.allowedFrom!)).toBeGreaterThan(Date.parse(account.verification.verifiedAt));
    expect(options.enterprise_name_change).toEqual({ type: 'enterprise_name_change', fits: false, reason: expect.any(String), allowedFrom: null });

    const list = (await api.get(`/v1/accounts/${accountId}/verifications`)).body;
    expect(list.items.map((v: { id: string }) => v.id)).toEqual([started.id]);
    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body;
    expect(messages.items).toHaveLength(1);
    expect(messages.items[0].title).toContain('Real-name verification completed');

    // The same ticket cannot be scanned twice.
    expect((await scan(started.nextAction.ticket, { realName: '张三', idNumber })).status).toBe(409);
    // A verified account does not start another verification.
    const again = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_VERIFIED');
  });

  it.each([
    ['a different name', { realName: '李四' }, 'IDENTITY_MISMATCH'],
    ['a different ID number', { idNumber: mainlandId('1980-01-01') }, 'IDENTITY_MISMATCH'],
    ['no linked bank card', { bankCardLinked: false }, 'BANK_CARD_REQUIRED'],
  ])('fails when WeChat Pay has %s', async (_label, change, reason) => {
    const accountId = uniqueAccount();
    const idNumber = mainlandId();
    const started = await startWechat(accountId, individualBody({ idNumber }));
    await scan(started.nextAction.ticket, { realName: '张三', idNumber, ...change });
    const done = await settled(started.id);
    expect(done).toMatchObject({ status: 'failed', failureReason: reason, nextAction: null });
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account.verification.status).toBe('unverified');
    expect(account.openProcess).toBeNull();
    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body;
    expect(messages.items[0].title).toContain('failed');
  });

  it('lets exactly 3 of 5 accounts racing on one ID number verify', async () => {
    const idNumber = mainlandId();
    const accounts = Array.from({ length: 5 }, () => uniqueAccount('race'));
    const started = await Promise.all(accounts.map((a) => startWechat(a, individualBody({ idNumber }))));
    const scans = await Promise.all(started.map((v) => scan(v.nextAction.ticket, { realName: '张三', idNumber })));
    expect(scans.map((s) => s.status)).toEqual([202, 202, 202, 202, 202]);
    const outcomes = await Promise.all(started.map((v) => settled(v.id)));
    const verified = outcomes.filter((v) => v.status === 'verified');
    const refused = outcomes.filter((v) => v.status === 'failed');
    expect(verified).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const v of refused) expect(v.failureReason).toBe('IDENTITY_QUOTA_EXCEEDED');

    // Checked at start too, so the user hears it before scanning.
    const sixth = await api.post(`/v1/accounts/${uniqueAccount('race')}/verifications`, individualBody({ idNumber }));
    expect(sixth.status).toBe(409);
    expect(sixth.body.code).toBe('IDENTITY_QUOTA_EXCEEDED');

    // "Find my accounts", answered by keyed hash.
    const lookup = await api.post('/v1/admin/identity-lookups', { idType: 'mainland_id', idNumber }, { token: KEYS.admin });
    expect(lookup.status).toBe(200);
    expect([...lookup.body.accounts].sort()).toEqual(verified.map((v) => v.accountId).sort());
  });

  it('allows one open process per account', async () => {
    const accountId = uniqueAccount();
    const first = await startWechat(accountId);
    const second = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'PROCESS_ALREADY_OPEN', openProcess: { kind: 'verification', id: first.id } });
    const cancelled = await api.post(`/v1/verifications/${first.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api.post(`/v1/verifications/${first.id}/cancel`)).body.code).toBe('PROCESS_NOT_OPEN');
    // Slot released: a new verification may start.
    await startWechat(accountId);
  });

  it('issues a fresh QR up to 5 times; a replaced ticket can no longer be scanned', async () => {
    const accountId = uniqueAccount();
    const idNumber = mainlandId();
    const started = await startWechat(accountId, individualBody({ idNumber }));
    let current = started;
    for (let left = 4; left >= 0; left--) {
      const res = await api.post(`/v1/verifications/${started.id}/qr`);
      expect(res.status).toBe(200);
      expect(res.body.nextAction.refreshesLeft).toBe(left);
      expect(res.body.nextAction.ticket).not.toBe(current.nextAction.ticket);
      current = res.body;
    }
    const sixth = await api.post(`/v1/verifications/${started.id}/qr`);
    expect(sixth.status).toBe(409);
    expect(sixth.body.code).toBe('QR_REFRESH_LIMIT');

    const stale = await scan(started.nextAction.ticket, { realName: '张三', idNumber });
    expect(stale.status).toBe(410);
    expect(stale.body.code).toBe('TICKET_REVOKED');
    await scan(current.nextAction.ticket, { realName: '张三', idNumber });
    expect((await settled(started.id)).status).toBe('verified');
  });

  it('keeps ID numbers out of workflow history, out of the database in plaintext, and masked except to admins', async () => {
    const accountId = uniqueAccount();
    const idNumber = mainlandId();
    const started = await startWechat(accountId, individualBody({ idNumber }));

    // Read without the codec, as anyone with access to the cluster would: nothing. With the codec key: the number is
    // still sealed under the verification's own data key (SPEC §11), which the codec endpoint alone opens, for operators.
    const history = await historyWithoutCodec(`verification/${started.id}`);
    expect(history.plaintext).not.toContain(idNumber);
    expect(history.decodedInput).not.toContain(idNumber);
    expect(history.decodedInput).toMatch(/"idNumber":"pd1\.ver_/);

    const row = await db('verifications').where({ id: started.id }).first();
    expect(JSON.stringify(row)).not.toContain(idNumber);
    expect(row.id_number_enc).toMatch(new RegExp(`^pd1\\.${started.id}\\.`));

    const asAdmin = await api.get(`/v1/verifications/${started.id}`, { token: KEYS.admin });
    expect(asAdmin.body.subject.idNumber).toBe(idNumber);
    const asService = await api.get(`/v1/verifications/${started.id}`);
    expect(asService.body.subject.idNumber).toBe(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
  });

  it('upserts search attributes so operators can filter runs in the Temporal UI', async () => {
    const accountId = uniqueAccount('sa');
    const idNumber = mainlandId();
    const started = await startWechat(accountId, individualBody({ idNumber }));
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      const query = (status: string, step?: string) =>
        `AccountId = '${accountId}' AND ProcessKind = 'verification' AND Method = 'wechat_qr' AND ProcessStatus = '${status}'` +
        (step ? ` AND Step = '${step}'` : '');
      const ids = async (q: string) => {
        const found: string[] = [];
        for await (const wf of client.workflow.list({ query: q })) found.push(wf.workflowId);
        return found;
      };
      await eventually(async () => expect(await ids(query('in_progress', 'awaiting_scan'))).toEqual([`verification/${started.id}`]));
      await scan(started.nextAction.ticket, { realName: '张三', idNumber });
      await settled(started.id);
      await eventually(async () => expect(await ids(query('verified'))).toEqual([`verification/${started.id}`]));
    } finally {
      await connection.close();
    }
  });
});
