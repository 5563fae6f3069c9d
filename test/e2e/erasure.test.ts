import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { AesGcmPayloadCodec } from '../../platform/temporal-codec';
import { dataKeyStore } from '../../store/data-keys';
import { bundleWorkflows, eventually, installQuietRuntime } from '../support/temporal-test-env';
import { passFace, requestChange, verifiedIndividual } from '../support/changes';
import { decodedByCodec, historyPayloads } from '../support/history';
import { bankAccountNumber, enterprise, enterpriseBody, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';

/**
 * Erasure by destroying a process's data key (SPEC §11), for an individual
 * verification: its workflow carries the person's values sealed from the API
 * on (the start input, the provider's record in the signal), so the history —
 * read with the service's own codec key — holds none of them in clear; once
 * the key is destroyed, the codec shows `[erased]`; and the history still
 * replays, because the workflow never branched on plaintext (it asked an
 * activity to compare). The README's "Personal data lifecycle" says so.
 */
const api = http(inject('baseUrl'));
const secrets = inject('secrets');
let db: Knex;
let connection: Connection;

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  installQuietRuntime();
});
afterAll(async () => {
  await connection?.close();
  await db?.destroy();
});

const codec = () => new AesGcmPayloadCodec(Buffer.from(secrets.codecKey, 'base64'));

/** Every payload of the history, decrypted with the service's codec key: what an operator with that key could read. */
async function decodedHistory(workflowId: string) {
  const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
  const payloads = historyPayloads(history);
  expect(payloads.length).toBeGreaterThan(5);
  const decoded = await codec().decode(payloads);
  return { history, text: decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n') };
}

describe('erasing an individual verification', () => {
  it('keeps the person out of the history in clear, shows [erased] once the key is gone, and still replays', async () => {
    const idNumber = mainlandId('1988-04-21');
    const realName = '赵六';
    const started = await api.post(`/v1/accounts/${uniqueAccount('erase')}/verifications`, individualBody({ idNumber, realName }));
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const scanned = await api.post('/sandbox/wechat/scans', { ticket: started.body.nextAction.ticket, realName, idNumber, bankCardLinked: true }, { token: null });
    expect(scanned.status).toBe(202);
    await eventually(async () => expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified'));

    const workflowId = `verification/${started.body.id as string}`;
    const { history, text } = await decodedHistory(workflowId);
    for (const value of [realName, idNumber, '1988-04-21']) expect(text, value).not.toContain(value);
    expect(text).toContain('pd1.');

    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(await decodedByCodec(input)).toContain(`"realName":"${realName}"`);

    const keys = createProcessKeys({ store: dataKeyStore(db), master: createPiiCipher(Buffer.from(secrets.piiEncryptionKey, 'base64'), Buffer.from(secrets.piiHashKey, 'base64')) });
    expect(await keys.erase([started.body.id as string], 'test')).toBe(1);
    // The API process reads the key again once its cache lapses (platform/data-keys.ts KEY_CACHE_MS).
    await eventually(async () => {
      const shown = await decodedByCodec(input);
      expect(shown).toContain('"realName":"[erased]"');
      expect(shown).toContain('"idNumber":"[erased]"');
    }, { timeoutMs: 20_000, intervalMs: 500 });

    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), dataConverter: { payloadCodecs: [codec()] } }, history, workflowId);
  });

  it('an enterprise’s people and bank account: none in the history in clear, [erased] once the key is gone, still replays', async () => {
    const e = enterprise();
    await register(inject('baseUrl'), e);
    const bankAccount = bankAccountNumber();
    const inReview = await remittanceInReview(inject('baseUrl'), uniqueAccount('erase-ent'), e, { bankAccount });
    const workflowId = `verification/${inReview.id as string}`;
    const { history, text } = await decodedHistory(workflowId);
    // The fixture's legal person, contact (name, mobile) and handler, and the account the payout goes to.
    for (const value of [e.legalPerson.idNumber, e.legalPerson.name, '李联系', e.contactMobile!.slice(3), '赵经办', bankAccount]) expect(text, value).not.toContain(value);
    expect(text).toContain(e.name);

    const keys = createProcessKeys({ store: dataKeyStore(db), master: createPiiCipher(Buffer.from(secrets.piiEncryptionKey, 'base64'), Buffer.from(secrets.piiHashKey, 'base64')) });
    expect(await keys.erase([inReview.id as string], 'test')).toBe(1);
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    await eventually(async () => {
      const shown = await decodedByCodec(input);
      expect(shown).toContain('"legalPerson":{"name":"[erased]","idNumber":"[erased]"}');
      expect(shown).toContain(e.name);
    }, { timeoutMs: 20_000, intervalMs: 500 });
    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), dataConverter: { payloadCodecs: [codec()] } }, history, workflowId);
  });

  it('a change’s holder and its new subject’s people: none in the change’s history in clear; the holder [erased] with the subject it replaced', async () => {
    const accountId = uniqueAccount('erase-chg');
    const holderId = mainlandId('1979-02-14');
    await verifiedIndividual(inject('baseUrl'), accountId, { realName: '孙持有', idNumber: holderId });
    const { verification_id: replaced } = await db('accounts').where({ id: accountId }).first('verification_id');
    const e = enterprise();
    await register(inject('baseUrl'), e);
    const { subjectType: _s, ...subject } = await enterpriseBody(inject('baseUrl'), accountId, 'legal_person_face', e);
    const change = await requestChange(inject('baseUrl'), accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...subject });
    await passFace(inject('baseUrl'), change.nextAction.ticket);

    const workflowId = `change/${change.id as string}`;
    const { history, text } = await decodedHistory(workflowId);
    for (const value of [holderId, '孙持有', e.legalPerson.idNumber, e.legalPerson.name, '李联系', e.contactMobile!.slice(3)]) expect(text, value).not.toContain(value);

    const keys = createProcessKeys({ store: dataKeyStore(db), master: createPiiCipher(Buffer.from(secrets.piiEncryptionKey, 'base64'), Buffer.from(secrets.piiHashKey, 'base64')) });
    // The holder is the subject the change replaces: sealed under that subject's verification's key, so the replaced
    // subject's erasure (retention, 90 days after the change) reaches the change's copy too; the new subject's people stay.
    expect(await keys.erase([replaced], 'test')).toBe(1);
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    await eventually(async () => expect(await decodedByCodec(input)).toContain('"holder":{"realName":"[erased]","idType":"mainland_id","idNumber":"[erased]"}'), { timeoutMs: 20_000, intervalMs: 500 });
    expect(await decodedByCodec(input)).toContain(e.legalPerson.name);
    expect(await keys.erase([change.id as string], 'test')).toBe(1);
    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), dataConverter: { payloadCodecs: [codec()] } }, history, workflowId);
  });
});
