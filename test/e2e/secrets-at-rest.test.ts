import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import { describe, expect, inject, it } from 'vitest';
import { passFace, requestAfterCooldown, scanWechat, settledChange, verifiedEnterprise, verifiedIndividual } from '../support/changes';
import { bankAccountNumber, enterprise, enterpriseBody, register, remittanceInReview } from '../support/enterprise';
import { png } from '../../scripts/lib/files';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { uploadTo } from '../support/upload-client';

/**
 * Nothing secret at rest (issue 9): after flows that handle ID numbers, bank
 * accounts, mobiles and tokens, none of them is in plaintext in the database
 * (every table, the sandbox providers' included), in Temporal's store, in the
 * service's logs or in the uploads on disk.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const dataDir = inject('serviceEnv').DATA_DIR!;

/** Every file under a folder. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());

/** Where each secret is found in plaintext: every table as text, Temporal's store (SQLite and its WAL), the service's logs, the uploads. */
async function plaintextAtRest(secrets: readonly string[], someAccount: string): Promise<string[]> {
  const db = knex({ client: 'pg', connection: inject('databaseUrl') });
  let dump = '';
  try {
    const tables = await db<{ table_name: string; table_schema: string }>('information_schema.tables').where({ table_schema: 'public' }).select('table_name');
    for (const { table_name } of tables) {
      const rows = (await db.raw(`select t::text as row from "${table_name}" t`)).rows as { row: string }[];
      dump += rows.map((r) => r.row).join('\n');
    }
  } finally {
    await db.destroy();
  }
  expect(dump).toContain(someAccount);
  const files = ['temporal.db', 'temporal.db-wal', 'worker.log', 'api.log'].map((f) => path.join(dataDir, f)).filter(existsSync);
  expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['temporal.db', 'worker.log', 'api.log']));
  const uploads = filesUnder(path.join(dataDir, 'uploads'));
  expect(uploads.length).toBeGreaterThan(0);
  const found: string[] = [];
  for (const secret of secrets) {
    if (dump.includes(secret)) found.push(`database: ${secret}`);
    for (const file of [...files, ...uploads]) if (readFileSync(file).includes(Buffer.from(secret))) found.push(`${path.relative(dataDir, file)}: ${secret}`);
  }
  return found;
}

const sandbox = (route: string, body: Record<string, unknown>) => api.post(route, body, { token: null });

describe('secrets at rest', () => {
  it('finds none of the ID numbers, bank accounts, mobiles, tokens or uploaded bytes a run used in the database, the Temporal store, the logs or the uploads', async () => {
    const secrets: string[] = [];
    const keep = <T extends string>(value: T): T => (secrets.push(value), value);

    // An individual by WeChat, then an individual → individual change to another person.
    const person = keep(mainlandId('1983-03-03'));
    const individual = uniqueAccount('rest');
    await verifiedIndividual(baseUrl, individual, { idNumber: person });
    const newPerson = keep(mainlandId('1991-01-01'));
    const change = await requestAfterCooldown(baseUrl, individual, { type: 'individual_to_individual', agreementAccepted: true, individual: { ...individualBody().individual, realName: '李四', idNumber: newPerson } });
    await passFace(baseUrl, change.nextAction.ticket);
    await passFace(baseUrl, (await api.get(`/v1/changes/${change.id}`)).body.nextAction.ticket);

    // An enterprise by public remittance (legal person, handler, contact, corporate account) and one by recharge.
    const e = enterprise();
    keep(e.legalPerson.idNumber);
    await register(baseUrl, e);
    const corporate = keep(bankAccountNumber());
    const company = uniqueAccount('rest');
    const inReview = await remittanceInReview(baseUrl, company, e, { bankAccount: corporate });
    await api.post(`/v1/reviews/${inReview.reviewId}/decision`, { decision: 'approve' }, { token: KEYS.reviewer });
    const payer = keep(bankAccountNumber());
    const e2 = enterprise();
    await register(baseUrl, e2);
    const recharging = uniqueAccount('rest');
    const recharge = await api.post(`/v1/accounts/${recharging}/verifications`, await enterpriseBody(baseUrl, recharging, 'recharge', e2, { payerAccount: payer }));
    expect(recharge.status, JSON.stringify(recharge.body)).toBe(201);
    // The payer sends a wrong amount first: the sandbox bank keeps the transfer, the service refunds it.
    const { payee } = recharge.body.nextAction as { payee: { accountNumber: string } };
    await api.post('/sandbox/bank/transfers', { fromAccountNumber: payer, fromAccountName: e2.name, toAccountNumber: payee.accountNumber, amount: '1.00' }, { token: null });
    const admin = (await api.get(`/v1/verifications/${inReview.id}`, { token: KEYS.admin })).body.subject;
    keep(admin.handler.idNumber);
    keep(admin.contact.idNumber);
    keep(admin.contact.mobile.replace(/^\+86/, ''));

    // An ID photo whose bytes carry the person's name and number (an upload is personal data, SPEC §11).
    const photo = Buffer.concat([png(), Buffer.from(`居民身份证 张三 ${person} `), Buffer.from(keep(`uploaded-bytes-${randomUUID()}`))]);
    const uploaded = await uploadTo(baseUrl)({ file: { bytes: photo, name: 'id.png' }, purpose: 'id_photo_portrait', accountId: individual });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);

    // Tokens, minted under an idempotency key.
    const token = keep((await api.post('/v1/admin/account-tokens', { accountId: individual }, { headers: { 'idempotency-key': `rest-${Date.now()}` } })).body.token as string);
    expect((await api.get(`/v1/accounts/${individual}`, { token })).status).toBe(200);
    expect(secrets.length).toBeGreaterThanOrEqual(8);

    expect(await plaintextAtRest(secrets, individual)).toEqual([]);
  });

  it('finds none after the other methods, an enterprise change, a staff token and a webhook secret either', async () => {
    const secrets: string[] = [];
    const keep = <T extends string>(value: T): T => (secrets.push(value), value);

    // Individuals by QQ (a bank card linked afterwards) and by face recognition.
    const qqPerson = keep(mainlandId('1984-04-04'));
    const qq = await api.post(`/v1/accounts/${uniqueAccount('rest')}/verifications`, individualBody({ method: 'qq_qr', idNumber: qqPerson }));
    expect(qq.status, JSON.stringify(qq.body)).toBe(201);
    await sandbox('/sandbox/qq/scans', { ticket: qq.body.nextAction.ticket, realName: '张三', idNumber: qqPerson, bankCardLinked: false });
    const linking = (await api.get(`/v1/verifications/${qq.body.id}`)).body;
    expect((await sandbox('/sandbox/qq/bank-card-links', { ticket: linking.nextAction.ticket })).status).toBe(202);
    const facePerson = keep(mainlandId('1985-05-05'));
    const face = await api.post(`/v1/accounts/${uniqueAccount('rest')}/verifications`, individualBody({ method: 'face', idNumber: facePerson }));
    await passFace(baseUrl, face.body.nextAction.ticket);
    expect((await api.get(`/v1/verifications/${qq.body.id}`)).body.status).toBe('verified');
    expect((await api.get(`/v1/verifications/${face.body.id}`)).body.status).toBe('verified');

    // Enterprises by WeChat Official Account and by the legal person's WeChat.
    const oa = enterprise();
    keep(oa.legalPerson.idNumber);
    await register(baseUrl, oa);
    const oaAccount = uniqueAccount('rest');
    const byOa = await api.post(`/v1/accounts/${oaAccount}/verifications`, await enterpriseBody(baseUrl, oaAccount, 'wechat_official_account', oa));
    expect(byOa.status, JSON.stringify(byOa.body)).toBe(201);
    keep((await api.get(`/v1/verifications/${byOa.body.id}`, { token: KEYS.admin })).body.subject.contact.idNumber);
    await sandbox('/sandbox/wechat/official-account-scans', { ticket: byOa.body.nextAction.ticket, certified: true, enterpriseName: oa.name });
    const lp = enterprise();
    keep(lp.legalPerson.idNumber);
    await register(baseUrl, lp);
    const lpAccount = uniqueAccount('rest');
    const byLp = await api.post(`/v1/accounts/${lpAccount}/verifications`, await enterpriseBody(baseUrl, lpAccount, 'legal_person_wechat', lp));
    await scanWechat(baseUrl, byLp.body.nextAction.ticket, { realName: lp.legalPerson.name, idNumber: lp.legalPerson.idNumber });
    expect((await api.get(`/v1/verifications/${byOa.body.id}`)).body.status).toBe('verified');
    expect((await api.get(`/v1/verifications/${byLp.body.id}`)).body.status).toBe('verified');

    // An enterprise change: a new legal representative, by face (the enterprise itself by legal-person face).
    const changing = uniqueAccount('rest');
    const { enterprise: e } = await verifiedEnterprise(baseUrl, changing);
    keep(e.legalPerson.idNumber);
    const newLegalPerson = { name: '孙新法人', idNumber: keep(mainlandId('1980-10-10')) };
    await register(baseUrl, e, { legalRepresentative: newLegalPerson });
    const change = await requestAfterCooldown(baseUrl, changing, { type: 'legal_representative_update', newLegalPerson, method: 'face' });
    await passFace(baseUrl, change.nextAction.ticket);
    expect(await settledChange(baseUrl, change.id)).toMatchObject({ status: 'completed' });

    // A staff token, and a webhook endpoint's signing secret (kept sealed: deliveries need it back).
    const staff = await api.post('/v1/admin/staff-tokens', { role: 'reviewer', name: '钱审核', ttlSeconds: 600 }, { token: KEYS.admin, headers: { 'idempotency-key': `rest-staff-${Date.now()}` } });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    keep(staff.body.token);
    expect((await api.get('/v1/reviews', { token: staff.body.token })).status).toBe(200);
    const hook = await api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/rest-hooks', description: 'secrets at rest' }, { headers: { 'idempotency-key': `rest-hook-${Date.now()}` } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    keep(hook.body.secret);
    // Deleted at once (it would take every event of the stack): the row and its sealed secret stay.
    expect((await api.call('DELETE', `/v1/webhook-endpoints/${hook.body.id}`)).status).toBe(204);

    expect(secrets.length).toBeGreaterThanOrEqual(9);
    expect(await plaintextAtRest(secrets, changing)).toEqual([]);
  });
});
