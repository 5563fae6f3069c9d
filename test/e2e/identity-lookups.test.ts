import { randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterprise, passFace, scanWechat, untilTime, verifiedEnterprise, verifiedIndividual } from '../support/changes';
import { decodedHistory } from '../support/history';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { uniqueName } from '../support/personal-values';

/**
 * Find my accounts, self-service (SPEC §12, API.md), through the real stack:
 * the quota refusal points at the lookup; a person proves the identity by the
 * sandbox's face check (a permit holder by WeChat, an enterprise by its legal
 * representative) and sees exactly the accounts it verified; a failed check
 * shows nothing; the sixth lookup of a day is refused; an account token reads
 * only its own lookups; no name or ID number lands in the lookup's row, its
 * audit events or its workflow's history in clear.
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

const mint = async (accountId: string) => (await api.post('/v1/admin/account-tokens', { accountId })).body.token as string;
const key = () => ({ headers: { 'idempotency-key': `lookup-${randomUUID()}` } });

async function startLookup(body: Record<string, unknown>, token: string = KEYS.service) {
  const res = await api.post('/v1/identity-lookups', body, { token, ...key() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const getLookup = async (id: string, token: string = KEYS.service) => (await api.get(`/v1/identity-lookups/${id}`, { token })).body;

/** What the service stored about these lookups: their rows and every audit event that names them. */
async function storedAbout(ids: string[]): Promise<string> {
  const rows = await db('identity_lookups').whereIn('id', ids);
  const audit = await db('audit_events').whereIn('process_id', ids).orWhereIn('resource_id', ids);
  expect(rows).toHaveLength(ids.length);
  expect(audit.length).toBeGreaterThanOrEqual(ids.length * 2);
  return JSON.stringify({ rows, audit });
}

describe('a person at the quota finds their accounts alone', () => {
  it('is refused a 4th account with the lookup named, passes the face check and sees exactly the 3 accounts', async () => {
    const realName = uniqueName();
    const idNumber = mainlandId('1986-03-03');
    const verified = [uniqueAccount('lkp-a'), uniqueAccount('lkp-b'), uniqueAccount('lkp-c')];
    for (const accountId of verified) await verifiedIndividual(baseUrl, accountId, { realName, idNumber });

    // The 4th account's verification is refused, and the refusal says where to look.
    const fourth = uniqueAccount('lkp-d');
    const refused = await api.post(`/v1/accounts/${fourth}/verifications`, individualBody({ realName, idNumber, method: 'face' }));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'IDENTITY_QUOTA_EXCEEDED', lookup: '/v1/identity-lookups' });

    // The person, on the 4th account's token, proves the identity.
    const token = await mint(fourth);
    const lookup = await startLookup({ idType: 'mainland_id', idNumber: idNumber.toLowerCase(), realName }, token);
    expect(lookup).toMatchObject({ id: expect.stringMatching(/^lkp_/), status: 'in_progress', accounts: null, nextAction: { type: 'scan_qr', provider: 'face', attemptsLeft: 3 } });
    expect(await getLookup(lookup.id, token)).toMatchObject({ status: 'in_progress', accounts: null });
    expect((await passFace(baseUrl, lookup.nextAction.ticket)).processed).toBe(true);

    const found = await getLookup(lookup.id, token);
    expect(found).toMatchObject({ status: 'completed', nextAction: null, failureReason: null, completedAt: expect.any(String) });
    expect(found.accounts.map((a: { accountId: string }) => a.accountId)).toEqual(verified);
    for (const account of found.accounts) expect(account).toEqual({ accountId: account.accountId, subjectType: 'individual', verifiedAt: expect.any(String) });

    // Only the token that made it reads it (the service role reads any); another account's token is told it does not exist.
    expect((await api.get(`/v1/identity-lookups/${lookup.id}`, { token: await mint(uniqueAccount('lkp-other')) })).status).toBe(404);
    expect((await api.get(`/v1/identity-lookups/${lookup.id}`)).status).toBe(200);
    expect((await api.get(`/v1/identity-lookups/${lookup.id}`, { token: KEYS.admin })).status).toBe(403);

    // No name or ID number in the lookup's row or audit events, nor in clear in its workflow's history.
    const stored = await storedAbout([lookup.id]);
    for (const value of [realName, idNumber]) expect(stored).not.toContain(value);
    const history = await decodedHistory(`lookup/${lookup.id}`);
    for (const value of [realName, idNumber]) expect(history).not.toContain(value);
    expect(history).toContain(`pd1.${lookup.id}.`);

    // The right of access of the account whose token made it lists it, with what it holds and until when.
    const held = (await api.get(`/v1/accounts/${fourth}/personal-data`, { token })).body.processes;
    expect(held).toContainEqual(
      expect.objectContaining({ kind: 'lookup', id: lookup.id, type: 'individual', status: 'completed', erased: false, personalData: { identity: 'sealed', accountsFound: verified }, keptUntil: expect.any(String) }),
    );
    expect(JSON.stringify(held)).not.toContain(idNumber);
  });

  it('a change that would take the identity past its quota points at the lookup too', async () => {
    const person = { realName: uniqueName(), idNumber: mainlandId('1987-07-07') };
    for (const label of ['lkq-a', 'lkq-b', 'lkq-c']) await verifiedIndividual(baseUrl, uniqueAccount(label), person);
    const accountId = uniqueAccount('lkq-d');
    await verifiedIndividual(baseUrl, accountId);
    const body = { type: 'individual_to_individual', agreementAccepted: true, individual: individualBody(person).individual };
    let refused = await api.post(`/v1/accounts/${accountId}/changes`, body);
    // The e2e stack's cooling-off is seconds long: wait it out, then the new person's quota is what refuses.
    if (refused.body.code === 'CHANGE_COOLDOWN') {
      await untilTime(refused.body.allowedFrom);
      refused = await api.post(`/v1/accounts/${accountId}/changes`, body);
    }
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'IDENTITY_QUOTA_EXCEEDED', lookup: '/v1/identity-lookups' });
  });

  it('a failed face check shows nothing', async () => {
    const person = { realName: uniqueName(), idNumber: mainlandId('1988-08-08') };
    await verifiedIndividual(baseUrl, uniqueAccount('lkp-f'), person);
    let lookup = await startLookup({ idType: 'mainland_id', ...person });
    // A fresh QR on request: the ticket it replaces stops working.
    const refreshed = await api.post(`/v1/identity-lookups/${lookup.id}/qr`, undefined, key());
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.nextAction).toMatchObject({ type: 'scan_qr', refreshesLeft: 4 });
    expect(refreshed.body.nextAction.ticket).not.toBe(lookup.nextAction.ticket);
    expect((await api.post('/sandbox/face/results', { ticket: lookup.nextAction.ticket, passed: true }, { token: null })).status).toBeGreaterThanOrEqual(400);
    lookup = refreshed.body;
    for (let attempt = 0; attempt < 3; attempt++) {
      await passFace(baseUrl, lookup.nextAction.ticket, false);
      lookup = await getLookup(lookup.id);
    }
    expect(lookup).toMatchObject({ status: 'failed', failureReason: 'FACE_MISMATCH', accounts: null, nextAction: null });
    expect((await api.post(`/v1/identity-lookups/${lookup.id}/qr`, undefined, key())).body.code).toBe('PROCESS_NOT_OPEN');
    expect(await db('identity_lookups').where({ id: lookup.id }).first('accounts')).toEqual({ accounts: null });
  });

  it('a Hong Kong permit holder proves it by WeChat: their own record finds the account, another’s fails', async () => {
    const person = { realName: uniqueName(), idNumber: `H${String(Date.now()).slice(-8)}`, idType: 'hk_macao_permit' };
    const accountId = uniqueAccount('lkp-hk');
    await verifiedIndividual(baseUrl, accountId, person);

    const lookup = await startLookup({ idType: person.idType, idNumber: person.idNumber, realName: person.realName });
    expect(lookup.nextAction).toMatchObject({ type: 'scan_qr', provider: 'wechat' });
    await scanWechat(baseUrl, lookup.nextAction.ticket, { ...person, birthDate: '1985-04-04' });
    expect(await getLookup(lookup.id)).toMatchObject({ status: 'completed', accounts: [{ accountId, subjectType: 'individual' }] });

    const other = await startLookup({ idType: person.idType, idNumber: person.idNumber, realName: person.realName });
    await scanWechat(baseUrl, other.nextAction.ticket, { ...person, realName: '路人甲', birthDate: '1985-04-04' });
    expect(await getLookup(other.id)).toMatchObject({ status: 'failed', failureReason: 'IDENTITY_MISMATCH', accounts: null });
    // The WeChat record came sealed under the lookup's key, as the person's own values did.
    const history = await decodedHistory(`lookup/${lookup.id}`);
    for (const value of [person.realName, person.idNumber]) expect(history).not.toContain(value);
  });
});

describe('an enterprise, through its legal representative', () => {
  it('the registry lists the legal person, who passes the face check: the enterprise’s accounts', async () => {
    const e = enterprise();
    const accountId = uniqueAccount('lkp-ent');
    await verifiedEnterprise(baseUrl, accountId, e);

    const lookup = await startLookup({ creditCode: e.code, legalPerson: e.legalPerson });
    expect(lookup).toMatchObject({ status: 'in_progress', nextAction: { provider: 'face', purpose: 'legal_person' } });
    await passFace(baseUrl, lookup.nextAction.ticket);
    const found = await getLookup(lookup.id);
    expect(found).toMatchObject({ status: 'completed', accounts: [{ accountId, subjectType: 'enterprise', verifiedAt: expect.any(String) }] });
    // Made by the service role: no account token reads it, not even the enterprise's own.
    expect((await api.get(`/v1/identity-lookups/${lookup.id}`, { token: await mint(accountId) })).status).toBe(404);

    const stored = await storedAbout([lookup.id]);
    for (const value of [e.legalPerson.name, e.legalPerson.idNumber]) expect(stored).not.toContain(value);
  });

  it('someone the registry does not list as the legal representative: failed at once, no face check', async () => {
    const e = enterprise();
    await verifiedEnterprise(baseUrl, uniqueAccount('lkp-ent'), e);
    const lookup = await startLookup({ creditCode: e.code, legalPerson: { name: '冒名者', idNumber: mainlandId('1970-01-01') } });
    expect(lookup).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH', nextAction: null, accounts: null });
  });
});

describe('at most 5 lookups of one identity a day', () => {
  it('refuses the 6th with 429 RATE_LIMITED and Retry-After; another identity is not held back', async () => {
    const person = { idType: 'mainland_id', realName: uniqueName(), idNumber: mainlandId('1989-09-09') };
    for (let i = 0; i < 5; i++) await startLookup(person);
    const sixth = await api.post('/v1/identity-lookups', person, key());
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(24 * 3600 - 600);
    // The same identity by another account's token counts the same; the number as typed in lower case too.
    const asAccount = await api.post('/v1/identity-lookups', { ...person, idNumber: person.idNumber.toLowerCase() }, { token: await mint(uniqueAccount('lkp-rl')), ...key() });
    expect(asAccount.status).toBe(429);
    await startLookup({ ...person, idNumber: mainlandId('1989-09-09') });
  });

  it('refuses what no account here can be verified with', async () => {
    expect((await api.post('/v1/identity-lookups', { idType: 'passport', idNumber: 'E12345678', realName: '张三' })).body.code).toBe('INTERNATIONAL_SITE_REQUIRED');
    expect((await api.post('/v1/identity-lookups', { idType: 'mainland_id', idNumber: '110105194912310021', realName: '张三' })).body.code).toBe('ID_NUMBER_INVALID');
    expect((await api.post('/v1/identity-lookups', { creditCode: '91350100M000100Y4X', legalPerson: { name: '王法人', idNumber: mainlandId() } })).body.code).toBe('CREDIT_CODE_INVALID');
    expect((await api.post('/v1/identity-lookups', { idType: 'mainland_id', idNumber: mainlandId() }, { token: KEYS.reviewer })).status).toBe(403);
  });
});
