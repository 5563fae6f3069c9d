import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { Schemas } from '../../clients/typescript/src/index';
import { CLIENT_SCHEMA_FILE, clientSchemaOf } from '../../scripts/lib/client-schema';
import { mainlandId, uniqueAccount } from '../support/http';
import { ok, typedClient } from '../support/typed-client';

/** An integrator's WeChat verification, end to end, through the typed client (clients/typescript) only. */
const baseUrl = inject('baseUrl');
const api = typedClient(baseUrl);
/** The sandbox plays WeChat: no API key. */
const sandbox = typedClient(baseUrl, null);

function individual(idNumber: string): Schemas['StartVerification'] {
  return {
    subjectType: 'individual',
    method: 'wechat_qr',
    individual: { realName: '张三', idType: 'mainland_id', idNumber, industry: 'internet', address: { region: '北京市/朝阳区', detail: '望京街 1 号' } },
  };
}

describe('the typed client drives a WeChat verification', () => {
  it("is generated from what the running API serves (the in-process document is the served one)", async () => {
    const served = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as object;
    expect(await clientSchemaOf(served)).toBe(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'));
  });

  it('starts it, reads the QR to scan, scans it in the sandbox and reads it verified', async () => {
    const accountId = uniqueAccount('typed');
    const idNumber = mainlandId('1990-03-07');
    const idempotencyKey = randomUUID();
    const start = () => api.POST('/v1/accounts/{accountId}/verifications', { params: { path: { accountId }, header: { 'Idempotency-Key': idempotencyKey } }, body: individual(idNumber) });

    const first = await start();
    expect(first.response.status).toBe(201);
    const started = ok(first);
    expect(started).toMatchObject({ accountId, method: 'wechat_qr', status: 'in_progress', step: 'awaiting_scan' });
    // A retry with the same key gets the first answer back, not a second verification.
    const retried = await start();
    expect(retried.response.headers.get('idempotent-replayed')).toBe('true');
    expect(ok(retried).id).toBe(started.id);

    const read = ok(await api.GET('/v1/verifications/{id}', { params: { path: { id: started.id } } }));
    const action = read.nextAction;
    if (action?.type !== 'scan_qr') throw new Error(`expected a QR to scan, got ${JSON.stringify(action)}`);
    expect(action).toMatchObject({ provider: 'wechat', expired: false });

    const scanned = await sandbox.POST('/sandbox/wechat/scans', { body: { ticket: action.ticket, realName: '张三', idNumber, bankCardLinked: true } });
    expect(scanned.response.status).toBe(202);
    expect(ok(scanned)).toMatchObject({ delivered: true, processed: true });

    const done = ok(await api.GET('/v1/verifications/{id}', { params: { path: { id: started.id } } }));
    expect(done).toMatchObject({ status: 'verified', step: null, nextAction: null, failureReason: null });
    expect(done.completedAt).not.toBeNull();
    const account = ok(await api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } }));
    expect(account.verification).toMatchObject({ status: 'verified', method: 'wechat_qr' });
    expect(account.openProcess).toBeNull();
  });

  it('answers a refusal as a typed problem document', async () => {
    const accountId = uniqueAccount('typed');
    ok(await api.POST('/v1/accounts/{accountId}/verifications', { params: { path: { accountId } }, body: individual(mainlandId()) }));
    const second = await api.POST('/v1/accounts/{accountId}/verifications', { params: { path: { accountId } }, body: individual(mainlandId()) });
    expect(second.response.status).toBe(409);
    expect(second.data).toBeUndefined();
    expect(second.error?.code).toBe('PROCESS_ALREADY_OPEN');
  });
});
