import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { png } from '../../scripts/lib/files';
import { passFace, requestAfterCooldown, settledChange, verifiedIndividual } from '../support/changes';
import { bankAccountNumber, enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';
import { uploadTo } from '../support/upload-client';
import { randomBirthDate, uniqueName } from '../support/personal-values';

/**
 * Account closure (SPEC §11, API.md "Accounts"), through HTTP and the sandbox:
 * refused while a process is open or money is unsettled; then the account
 * opens nothing new, its quota slot is free, its audit trail stays without
 * personal data, and no table holds the person's name, ID number or birth
 * date readable any more.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const dataDir = inject('serviceEnv').DATA_DIR!;
let db: Knex;
beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(() => db?.destroy());

const close = (accountId: string, key = `close-${randomUUID()}`) => api.post(`/v1/accounts/${accountId}/closure`, { reason: 'the customer asked' }, { headers: { 'idempotency-key': key } });

const completed = (accountId: string) =>
  eventually(
    async () => {
      const res = await api.get(`/v1/accounts/${accountId}/closure`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('completed');
      return res.body;
    },
    { timeoutMs: 20_000 },
  );

/** Every row of every table as text (`except`: tables to leave out). */
async function databaseText(except: (table: string) => boolean = () => false): Promise<string> {
  const tables: { table_name: string }[] = await db('information_schema.tables').where({ table_schema: 'public' }).select('table_name');
  let dump = '';
  for (const { table_name } of tables.filter((t) => !except(t.table_name))) {
    const rows = (await db.raw(`select t::text as row from "${table_name}" t`)).rows as { row: string }[];
    // One line per row, named by its table (a row's own line breaks continue under the same name).
    for (const { row } of rows) dump += `${row.split('\n').map((line) => `${table_name}: ${line}`).join('\n')}\n`;
  }
  return dump;
}

/** The values found in the text, each with the tables that hold it. */
const foundIn = (dump: string, values: string[]) =>
  values.flatMap((value) => {
    const tables = new Set(dump.split('\n').filter((line) => line.includes(value)).map((line) => line.split(':')[0]));
    return tables.size > 0 ? [`${value} in ${[...tables].join(', ')}`] : [];
  });

describe('account closure', () => {
  it('is refused while a process is open or money is unsettled, then erases the account so that no table reads its person', async () => {
    const accountId = uniqueAccount('close');
    const realName = uniqueName();
    const birthDate = randomBirthDate();
    const idNumber = mainlandId(birthDate);
    await verifiedIndividual(baseUrl, accountId, { realName, idNumber });
    const upload = await uploadTo(baseUrl)({ file: { bytes: Buffer.concat([png(), Buffer.from(`${realName} ${idNumber}`)]), name: 'id.png' }, purpose: 'id_photo_portrait', accountId });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const { storage_key: storageKey } = await db('uploads').where({ id: upload.body.id }).first('storage_key');
    expect(existsSync(path.join(dataDir, 'uploads', storageKey))).toBe(true);
    // The name is shown, but sealed at rest (SPEC §11): no table holds it in clear even before the closure.
    expect((await api.get(`/v1/accounts/${accountId}`)).body.verification.subject.realName).toBe(realName);
    expect(await databaseText()).not.toContain(realName);

    // Nothing to read before a closure; the account's own token may not close it.
    expect((await api.get(`/v1/accounts/${accountId}/closure`)).status).toBe(404);
    const token = (await api.post('/v1/admin/account-tokens', { accountId })).body.token as string;
    expect((await api.post(`/v1/accounts/${accountId}/closure`, { reason: 'x' }, { token })).status).toBe(403);

    // Money: a balance, then a transfer still on its way back.
    await db('accounts').where({ id: accountId }).update({ balance_fen: 37 });
    expect((await close(accountId)).body).toMatchObject({ status: 409, code: 'MONEY_UNSETTLED' });
    await db('accounts').where({ id: accountId }).update({ balance_fen: 0 });
    const transferId = `trf-${randomUUID()}`;
    await db('received_transfers').insert({ transfer_id: transferId, amount_fen: 100, to_account: '1', from_account_hash: 'h', account_id: accountId, state: 'refunding' });
    expect((await close(accountId)).body).toMatchObject({ status: 409, code: 'MONEY_UNSETTLED' });
    await db('received_transfers').where({ transfer_id: transferId }).update({ state: 'refunded' });

    const key = `close-${randomUUID()}`;
    const accepted = await close(accountId, key);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(accepted.body).toMatchObject({ id: expect.stringMatching(/^clo_/), accountId, status: expect.stringMatching(/^(pending|completed)$/), requestedAt: expect.any(String) });
    const done = await completed(accountId);
    expect(done).toMatchObject({ id: accepted.body.id, completedAt: expect.any(String) });
    // A repeat, under its own key or the first one, answers the same closure.
    expect((await close(accountId)).body).toEqual(done);
    expect((await close(accountId, key)).body.id).toBe(done.id);

    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({ closed: true, verification: { status: 'unverified', subject: null }, openProcess: null, balance: '0.00' });
    const again = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ realName, idNumber }), { headers: { 'idempotency-key': `after-${randomUUID()}` } });
    expect(again.body).toMatchObject({ status: 409, code: 'ACCOUNT_CLOSED' });

    // The verification stays, as status, method and times with placeholders.
    const [verification] = (await api.get(`/v1/accounts/${accountId}/verifications`)).body.items;
    expect(verification).toMatchObject({ status: 'verified', method: 'wechat_qr', subject: { realName: '[erased]', idNumber: '[erased]' } });
    expect((await api.get(`/v1/verifications/${verification.id}`, { token: KEYS.admin })).body.subject).toMatchObject({ realName: '[erased]', idNumber: '[erased]' });

    // The file is gone; every data key of the account destroyed.
    expect(existsSync(path.join(dataDir, 'uploads', storageKey))).toBe(false);
    expect(await db('data_keys').where({ account_id: accountId }).whereNotNull('wrapped_key').count({ n: '*' })).toEqual([{ n: '0' }]);

    // The audit trail stays, without personal data; the webhook event carries the account view.
    const audit = await api.get(`/v1/admin/audit-events?accountId=${accountId}&limit=100`, { token: KEYS.admin });
    const actions = (audit.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['verification.opened', 'account.closure_requested', 'account.closing', 'account.closed']));
    const auditText = JSON.stringify(audit.body);
    for (const value of [realName, idNumber, birthDate]) expect(auditText).not.toContain(value);
    const event = await db('webhook_events').where({ account_id: accountId, type: 'account.closed' }).first('snapshot');
    expect(event.snapshot).toMatchObject({ id: accountId, closed: true });

    // The key assertion: nothing in any table reads as the person any more.
    const dump = await databaseText();
    expect(dump).toContain(accountId);
    expect(foundIn(dump, [realName, idNumber, birthDate, birthDate.replace(/-/g, '')])).toEqual([]);
  });

  it('is refused while a verification is open, and frees the quota slot the account held', async () => {
    const realName = uniqueName();
    const idNumber = mainlandId();
    const accounts = [uniqueAccount('close'), uniqueAccount('close'), uniqueAccount('close')];
    for (const accountId of accounts) await verifiedIndividual(baseUrl, accountId, { realName, idNumber });
    const fourth = uniqueAccount('close');
    const refused = await api.post(`/v1/accounts/${fourth}/verifications`, individualBody({ realName, idNumber }));
    expect(refused.body).toMatchObject({ status: 409, code: 'IDENTITY_QUOTA_EXCEEDED' });

    const open = uniqueAccount('close');
    const started = await api.post(`/v1/accounts/${open}/verifications`, individualBody());
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect((await close(open)).body).toMatchObject({ status: 409, code: 'PROCESS_ALREADY_OPEN', openProcess: { kind: 'verification', id: started.body.id } });
    expect((await api.get(`/v1/accounts/${open}`)).body.closed).toBe(false);

    expect((await close(accounts[0]!)).status).toBe(202);
    await completed(accounts[0]!);
    // The closed account's slot is free: the same person verifies a fourth account.
    await verifiedIndividual(baseUrl, fourth, { realName, idNumber });
  });

  it('erases an enterprise application that went to review, and an individual changed to another person', async () => {
    // An enterprise by public remittance, cancelled in review: its legal person, handler, contact and corporate account.
    const e = enterprise();
    e.legalPerson = { name: uniqueName(), idNumber: mainlandId('1971-07-07') };
    await register(baseUrl, e);
    const company = uniqueAccount('close');
    const inReview = await remittanceInReview(baseUrl, company, e, { bankAccount: bankAccountNumber() });
    const admin = (await api.get(`/v1/verifications/${inReview.id}`, { token: KEYS.admin })).body.subject;
    expect((await api.post(`/v1/verifications/${inReview.id}/cancel`, {})).status).toBe(200);

    // An individual, then an individual → individual change to another person.
    const person = { realName: uniqueName(), idNumber: mainlandId('1982-02-02') };
    const newPerson = { realName: uniqueName(), idNumber: mainlandId('1993-03-03') };
    const individual = uniqueAccount('close');
    await verifiedIndividual(baseUrl, individual, person);
    const change = await requestAfterCooldown(baseUrl, individual, { type: 'individual_to_individual', agreementAccepted: true, individual: { ...individualBody().individual, ...newPerson } });
    await passFace(baseUrl, change.nextAction.ticket);
    await passFace(baseUrl, (await api.get(`/v1/changes/${change.id}`)).body.nextAction.ticket);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });

    const values = [
      e.legalPerson.name,
      e.legalPerson.idNumber,
      admin.bankAccount.accountNumber,
      admin.handler.idNumber,
      admin.contact.idNumber,
      person.realName,
      person.idNumber,
      newPerson.realName,
      newPerson.idNumber,
    ];
    // The sandbox's tables are the outside world's own records (the business registry lists legal representatives; the bank, its accounts).
    const ours = (table: string) => table.startsWith('sandbox_');
    // Names are shown (the new person's on the account), though sealed at rest: in the subjects, the change's request, the outbox.
    expect((await api.get(`/v1/accounts/${individual}`)).body.verification.subject.realName).toBe(newPerson.realName);
    expect(foundIn(await databaseText(ours), [person.realName, newPerson.realName])).toEqual([]);

    for (const accountId of [company, individual]) {
      expect((await close(accountId)).status).toBe(202);
      await completed(accountId);
    }
    expect((await api.get(`/v1/changes/${change.id}`)).body.status).toBe('completed');
    expect(foundIn(await databaseText(ours), values)).toEqual([]);
    expect((await api.post(`/v1/accounts/${individual}/changes`, { type: 'individual_to_individual', agreementAccepted: true, individual: individualBody().individual })).body).toMatchObject({
      status: 409,
      code: 'ACCOUNT_CLOSED',
    });
  });

  it('resumes on a repeat a closure whose run ended after it opened (terminated in the Temporal UI)', async () => {
    const accountId = uniqueAccount('close');
    const person = { realName: uniqueName(), idNumber: mainlandId('1979-09-09') };
    await verifiedIndividual(baseUrl, accountId, person);
    // What a run terminated right after its first step leaves: the closure pending, the account closed to new processes.
    const closureId = `clo_${randomUUID().replace(/-/g, '')}`;
    await db('account_closures').insert({ id: closureId, account_id: accountId, workflow_id: `closure/${accountId}`, status: 'pending', reason: 'test' });
    await db('accounts').where({ id: accountId }).update({ closed_at: new Date() });
    expect((await api.get(`/v1/accounts/${accountId}/closure`)).body).toMatchObject({ id: closureId, status: 'pending', completedAt: null });
    expect((await api.post(`/v1/accounts/${accountId}/verifications`, individualBody(person))).body).toMatchObject({ status: 409, code: 'ACCOUNT_CLOSED' });

    expect((await close(accountId)).body).toMatchObject({ id: closureId });
    expect(await completed(accountId)).toMatchObject({ id: closureId });
    expect((await api.get(`/v1/accounts/${accountId}`)).body).toMatchObject({ closed: true, verification: { status: 'unverified' } });
    expect(foundIn(await databaseText(), [person.realName, person.idNumber])).toEqual([]);
  });
});
