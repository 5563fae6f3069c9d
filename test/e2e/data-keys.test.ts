import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERASED } from '../../domain/sealed-value';
import { createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { newId } from '../../platform/ids';
import { dataKeyOf, dataKeyProcessesOf, dataKeyStore } from '../../store/data-keys';

/**
 * Per-process data keys in PostgreSQL (SPEC §11): kept wrapped, apart from the data; two writers racing for a
 * process's first key agree on one; erasure leaves a row that says when and why, and nothing that opens.
 */
let db: Knex;
beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 8 } });
});
afterAll(() => db.destroy());

const master = createPiiCipher(randomBytes(32), randomBytes(32));

describe('data keys in the database', () => {
  it('stores the key wrapped, never in clear; racing first seals agree on one key', async () => {
    const keys = createProcessKeys({ store: dataKeyStore(db), master });
    const other = createProcessKeys({ store: dataKeyStore(db), master });
    const process = { processId: newId('ver'), accountId: `acct-${randomBytes(4).toString('hex')}` };
    const sealed = await Promise.all([...Array(6)].map((_, i) => (i % 2 ? keys : other).seal(process, `value ${i}`)));
    expect(await Promise.all(sealed.map((s) => other.open(s)))).toEqual([...Array(6)].map((_, i) => `value ${i}`));
    const row = await dataKeyOf(db, process.processId);
    expect(row).toMatchObject({ account_id: process.accountId, erased_at: null });
    expect(row!.wrapped_key).toMatch(/^v1\./);
  });

  it('erases every key of an account: what they sealed reads [erased]; another account is untouched', async () => {
    const keys = createProcessKeys({ store: dataKeyStore(db), master });
    const accountId = `acct-${randomBytes(4).toString('hex')}`;
    const mine = [newId('ver'), newId('chg')];
    const theirs = { processId: newId('ver'), accountId: `acct-${randomBytes(4).toString('hex')}` };
    const sealed = await Promise.all(mine.map((processId) => keys.seal({ processId, accountId }, '11010519491231002X')));
    const kept = await keys.seal(theirs, '11010519491231002X');
    expect((await dataKeyProcessesOf(db, accountId)).sort()).toEqual([...mine].sort());
    expect(await keys.erase(await dataKeyProcessesOf(db, accountId), 'closure')).toBe(2);
    expect(await Promise.all(sealed.map((s) => keys.open(s)))).toEqual([ERASED, ERASED]);
    // Another service process, with nothing cached, reads the same.
    const fresh = createProcessKeys({ store: dataKeyStore(db), master });
    expect(await fresh.open(sealed[0]!)).toBe(ERASED);
    expect(await fresh.open(kept)).toBe('11010519491231002X');
    expect(await dataKeyOf(db, mine[0]!)).toMatchObject({ wrapped_key: null, erased_by: 'closure' });
  });
});
