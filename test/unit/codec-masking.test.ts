import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { masked } from '../../api/ops/codec';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys, type DataKeyStore, type StoredDataKey } from '../../platform/data-keys';

/** What an operator sees of a decoded payload in the Temporal UI (SPEC §11): masked as the API masks, sealed values opened or `[erased]`. */
const rows = new Map<string, StoredDataKey>();
const store: DataKeyStore = {
  get: async (id) => rows.get(id),
  getMany: async (ids) => new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : []))),
  insert: async (k) => (rows.has(k.processId) ? rows.get(k.processId)! : (rows.set(k.processId, { wrappedKey: k.wrappedKey }), rows.get(k.processId)!)),
  erase: async (ids) => ids.map((id) => rows.set(id, { wrappedKey: null })).length,
};
const keys = createProcessKeys({ store, master: createPiiCipher(randomBytes(32), randomBytes(32)) });
const json = (value: unknown): Payload => ({ metadata: { [METADATA_ENCODING_KEY]: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(value)) });
const shown = async (value: unknown) => JSON.parse(Buffer.from((await masked(json(value), (s) => keys.open(s))).data!).toString('utf8')) as Record<string, unknown>;

describe('what the codec shows operators', () => {
  it('masks a plaintext payload as the API does, birth dates included (older histories)', async () => {
    const view = await shown({ applicant: { realName: '张三', idNumber: '11010519491231002X', birthDate: '1949-12-31', mobile: '+8613812345678' } });
    expect(view).toEqual({ applicant: { realName: '张三', idNumber: '1101**********002X', birthDate: '****-**-**', mobile: expect.stringMatching(/^\+?8?6?138\*{4}5678$/) } });
    expect(JSON.stringify(view)).not.toContain('1949');
  });

  it('opens sealed fields and masks them by their names; names stay, as the API shows them', async () => {
    const process = { processId: 'ver_AAAAAAAAAAAAAAAA', accountId: 'acct-1' };
    const view = await shown({
      applicant: { realName: await keys.seal(process, '李四'), idNumber: await keys.seal(process, '11010519491231002X'), birthDate: await keys.seal(process, '1949-12-31') },
    });
    expect(view).toEqual({ applicant: { realName: '李四', idNumber: '1101**********002X', birthDate: '****-**-**' } });
  });

  it('shows [erased] where a sealed field was once its process is erased, and the rest as it was', async () => {
    const process = { processId: 'ver_BBBBBBBBBBBBBBBB', accountId: 'acct-2' };
    const payload = { method: 'wechat_qr', applicant: { realName: await keys.seal(process, '王五'), idNumber: await keys.seal(process, '11010519491231002X') } };
    await keys.erase([process.processId], 'closure');
    expect(await shown(payload)).toEqual({ method: 'wechat_qr', applicant: { realName: '[erased]', idNumber: '[erased]' } });
  });

  it('opens and masks a JSON document carried as text (a webhook event’s body in its delivery’s history)', async () => {
    const process = { processId: 'ver_DDDDDDDDDDDDDDDD', accountId: 'acct-3' };
    const body = JSON.stringify({ id: 'evt_1', data: { object: { subject: { realName: await keys.seal(process, '赵六'), idNumber: '1101**********002X', birthDate: '1949-12-31' } } } });
    const opened = await shown({ endpointId: 'whe_1', event: { body } });
    expect(JSON.parse((opened.event as { body: string }).body)).toEqual({ id: 'evt_1', data: { object: { subject: { realName: '赵六', idNumber: '1101**********002X', birthDate: '****-**-**' } } } });
    await keys.erase([process.processId], 'closure');
    expect((await shown({ event: { body } })).event).toEqual({ body: expect.stringContaining('"realName":"[erased]"') });
    // Text that merely looks like JSON is left as it is.
    expect(await shown({ note: '{not json pd1.' })).toEqual({ note: '{not json pd1.' });
  });

  it('shows [sealed] for a sealed value no key of this service opens', async () => {
    expect(await shown({ idNumber: 'pd1.ver_CCCCCCCCCCCCCCCC.aXY.dGFn.Y3Q' })).toEqual({ idNumber: '[sealed]' });
  });
});
