import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ERASED, isSealed, sealedParts, sealedProcessIds, sealedValue } from '../../domain/sealed-value';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys, KEY_CACHE_MS, NoDataKey, ownedBytes, type DataKeyStore, type StoredDataKey } from '../../platform/data-keys';

/** The data_keys table, in memory: what store/data-keys.ts keeps. */
function memoryStore() {
  const rows = new Map<string, StoredDataKey & { accountId: string }>();
  const store: DataKeyStore = {
    get: async (id) => rows.get(id),
    getMany: async (ids) => new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : []))),
    insert: async (key) => {
      if (!rows.has(key.processId)) rows.set(key.processId, { accountId: key.accountId, wrappedKey: key.wrappedKey });
      return rows.get(key.processId)!;
    },
    erase: async (ids) => {
      const live = ids.filter((id) => rows.get(id)?.wrappedKey);
      for (const id of live) rows.get(id)!.wrappedKey = null;
      return live.length;
    },
  };
  return { store, rows };
}

const master = (key = randomBytes(32), old: Buffer[] = []) => createPiiCipher(key, randomBytes(32), old);
const ver = (n: number) => ({ processId: `ver_${String(n).padStart(12, 'A')}`, accountId: 'acct-1' });

describe('per-process data keys', () => {
  it('seals under the process key and opens again; the value names its process and holds no plaintext', async () => {
    const keys = createProcessKeys({ store: memoryStore().store, master: master() });
    const sealed = await keys.seal(ver(1), '11010519491231002X');
    expect(isSealed(sealed)).toBe(true);
    expect(sealedParts(sealed)!.processId).toBe(ver(1).processId);
    expect(sealed).not.toContain('11010519491231002X');
    expect(await keys.open(sealed)).toBe('11010519491231002X');
  });

  it('sealing a process’s values at once looks its key up and creates it once', async () => {
    const { store } = memoryStore();
    const calls = { get: 0, insert: 0 };
    const counting: DataKeyStore = { ...store, get: (id) => (calls.get++, store.get(id)), insert: (k) => (calls.insert++, store.insert(k)) };
    const keys = createProcessKeys({ store: counting, master: master() });
    const sealed = await Promise.all(['张三', '11010519491231002X', '1949-12-31'].map((v) => keys.seal(ver(9), v)));
    expect(calls).toEqual({ get: 1, insert: 1 });
    expect(await Promise.all(sealed.map((v) => keys.open(v)))).toEqual(['张三', '11010519491231002X', '1949-12-31']);
  });

  it('one key per process: erasing one leaves another process’s copy of the same person readable', async () => {
    const { store } = memoryStore();
    const keys = createProcessKeys({ store, master: master() });
    const [a, b] = [await keys.seal(ver(1), '张三'), await keys.seal(ver(2), '张三')];
    expect(await keys.erase([ver(1).processId], 'closure')).toBe(1);
    expect(await keys.open(a)).toBe(ERASED);
    expect(await keys.open(b)).toBe('张三');
    expect(await keys.erase([ver(1).processId], 'closure')).toBe(0);
    await expect(keys.seal(ver(1), 'again')).rejects.toThrow(/erased/);
  });

  it('another service process stops opening an erased value once its cached key lapses', async () => {
    const { store } = memoryStore();
    const kek = randomBytes(32);
    let clock = 0;
    const api = createProcessKeys({ store, master: master(kek), now: () => clock });
    const worker = createProcessKeys({ store, master: createPiiCipher(kek, randomBytes(32)), now: () => clock });
    const sealed = await api.seal(ver(3), '6222021000001234');
    expect(await worker.open(sealed)).toBe('6222021000001234');
    await api.erase([ver(3).processId], 'retention');
    clock += KEY_CACHE_MS + 1;
    expect(await worker.open(sealed)).toBe(ERASED);
  });

  it('the master key rotates without re-encrypting data: old wrapped keys open through the ring', async () => {
    const { store } = memoryStore();
    const oldKek = randomBytes(32);
    const before = createProcessKeys({ store, master: master(oldKek) });
    const sealed = await before.seal(ver(4), '+8613812345678');
    const after = createProcessKeys({ store, master: master(randomBytes(32), [oldKek]) });
    expect(await after.open(sealed)).toBe('+8613812345678');
  });

  it('refuses a value moved to another process, tampered with, or whose process never had a key', async () => {
    const keys = createProcessKeys({ store: memoryStore().store, master: master() });
    const sealed = await keys.seal(ver(5), 'secret');
    await keys.seal(ver(6), 'other');
    const moved = sealedValue({ ...sealedParts(sealed)!, processId: ver(6).processId });
    await expect(keys.open(moved)).rejects.toThrow();
    const tampered = sealedValue({ ...sealedParts(sealed)!, ciphertext: 'AAAA' });
    await expect(keys.open(tampered)).rejects.toThrow();
    await expect(keys.open(sealedValue({ ...sealedParts(sealed)!, processId: ver(7).processId }))).rejects.toBeInstanceOf(NoDataKey);
    await expect(keys.open('v1.abc.def.ghi.jkl')).rejects.toThrow(/not a sealed value/);
  });
});

describe('sealed values, recognised without a key', () => {
  it.each([
    ['pd1.ver_AAAAAAAAAAA1.aXY.dGFn.Y3Q', true],
    ['pd1.chg_AAAAAAAAAAA1.aXY.dGFn.', true],
    ['pd1.ver_short.aXY.dGFn.Y3Q', false],
    ['v1.abcd1234.aXY.dGFn.Y3Q', false],
    ['pd1.ver_AAAAAAAAAAA1.a+Y.dGFn.Y3Q', false],
    ['pd1.ver_AAAAAAAAAAA1.aXY.dGFn', false],
    ['11010519491231002X', false],
  ])('%s → %s', (value, sealed) => {
    expect(isSealed(value)).toBe(sealed);
  });

  it('finds every process whose key a JSON value needs', () => {
    const value = { a: 'pd1.ver_AAAAAAAAAAA1.aXY.dGFn.Y3Q', b: [{ c: 'pd1.chg_BBBBBBBBBBB2.aXY.dGFn.Y3Q' }, 'plain'], d: 3 };
    expect([...sealedProcessIds(value)].sort()).toEqual(['chg_BBBBBBBBBBB2', 'ver_AAAAAAAAAAA1']);
  });
  it('a reader for a page of rows loads the keys it lacks in one round trip, and opens, erased or not', async () => {
    const { store } = memoryStore();
    const wrapping = master();
    const keys = createProcessKeys({ store, master: wrapping });
    const page = await Promise.all([1, 2, 3].map(async (n) => ({ realName: await keys.seal(ver(n), `name-${n}`) })));
    await keys.erase([ver(3).processId], 'test');
    const calls = { get: 0, getMany: 0 };
    const counting: DataKeyStore = { ...store, get: (id) => (calls.get++, store.get(id)), getMany: (ids) => (calls.getMany++, store.getMany(ids)) };
    // Another service process (its cache empty) renders the page: one query for the three keys.
    const reader = await createProcessKeys({ store: counting, master: wrapping }).readerFor(page);
    expect(calls).toEqual({ get: 0, getMany: 1 });
    expect(page.map((r) => reader.decrypt(r.realName))).toEqual(['name-1', 'name-2', ERASED]);
  });
});

describe('ownedBytes', () => {
  it('decodes into memory of its own, not a slice of a shared slab that a cached key would keep alive', () => {
    const key = ownedBytes(Buffer.alloc(32, 7).toString('base64'));
    expect(key).toEqual(Buffer.alloc(32, 7));
    expect(key.buffer.byteLength).toBe(32);
    // What Buffer.from alone gives for 32 bytes: a slice of Node's pool.
    expect(Buffer.from(Buffer.alloc(32, 7).toString('base64'), 'base64').buffer.byteLength).toBeGreaterThan(32);
  });
});
