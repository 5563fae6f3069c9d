import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import { describe, expect, inject, it } from 'vitest';
import { passFace, requestAfterCooldown, verifiedIndividual } from '../support/changes';
import { bankAccountNumber, enterprise, enterpriseBody, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';

/**
 * Nothing secret at rest (issue 9): after flows that handle ID numbers, bank
 * accounts, mobiles and tokens, none of them is in plaintext in the database
 * (every table, the sandbox providers' included), in Temporal's store or in the
 * service's logs.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const dataDir = inject('serviceEnv').DATA_DIR!;

describe('secrets at rest', () => {
  it('finds none of the ID numbers, bank accounts, mobiles or tokens a run used in the database, the Temporal store or the logs', async () => {
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

    // Tokens, minted under an idempotency key.
    const token = keep((await api.post('/v1/admin/account-tokens', { accountId: individual }, { headers: { 'idempotency-key': `rest-${Date.now()}` } })).body.token as string);
    expect((await api.get(`/v1/accounts/${individual}`, { token })).status).toBe(200);
    expect(secrets.length).toBeGreaterThanOrEqual(8);

    // The database: every table, as text.
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
    expect(dump).toContain(individual);

    // Temporal's store (SQLite and its write-ahead log) and the service's logs.
    const files = ['temporal.db', 'temporal.db-wal', 'worker.log', 'api.log'].map((f) => path.join(dataDir, f)).filter(existsSync);
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['temporal.db', 'worker.log', 'api.log']));
    const found: string[] = [];
    for (const secret of secrets) {
      if (dump.includes(secret)) found.push(`database: ${secret}`);
      for (const file of files) if (readFileSync(file).includes(Buffer.from(secret))) found.push(`${path.basename(file)}: ${secret}`);
    }
    expect(found).toEqual([]);
  });
});
