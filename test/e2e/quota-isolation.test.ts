import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as repo from '../../store/verifications';
import { newId } from '../../platform/ids';
import { uniqueAccount } from '../support/http';

/**
 * The quota (3 accounts per identity) is counted under a lock on the identity
 * row. That count is only right if it sees what the previous lock holder
 * committed: the transactions ask for READ COMMITTED themselves, so a database
 * whose default is REPEATABLE READ (a common hardening) cannot over-allocate.
 */
const MESSAGES = { verified: { title: 'v', body: 'b' }, quotaExceeded: { title: 'q', body: 'b' } };
let db: Knex;

beforeAll(() => {
  db = knex({
    client: 'pg',
    connection: inject('databaseUrl'),
    pool: {
      min: 0,
      max: 21,
      afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) =>
        conn.query('set session characteristics as transaction isolation level repeatable read', (err) => done(err, conn)),
    },
  });
});
afterAll(async () => {
  await db?.destroy();
});

async function openOne(identityHash: string) {
  const verificationId = newId('ver');
  await repo.openVerification(db, {
    id: verificationId,
    accountId: uniqueAccount('iso'),
    workflowId: `verification/${verificationId}`,
    subjectType: 'individual',
    method: 'wechat_qr',
    subject: { realName: '张三' },
    idNumberEnc: null,
    identityHash,
    expiresAt: null,
  });
  return verificationId;
}

describe('quota under REPEATABLE READ sessions', () => {
  it('twenty accounts completing at once on one identity: exactly three verify', async () => {
    const [level] = (await db.raw('show transaction isolation level')).rows as { transaction_isolation: string }[];
    expect(level!.transaction_isolation).toBe('repeatable read');
    const identityHash = randomBytes(16).toString('hex');
    const ids = await Promise.all(Array.from({ length: 20 }, () => openOne(identityHash)));
    const outcomes = await Promise.all(ids.map((verificationId) => repo.completeVerification(db, { verificationId, revision: 1, messages: MESSAGES })));
    expect(outcomes.filter((o) => o.status === 'verified')).toHaveLength(3);
    expect(outcomes.filter((o) => o.failureReason === 'IDENTITY_QUOTA_EXCEEDED')).toHaveLength(17);
    const [row] = await db('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').count<{ count: string }[]>({ count: '*' });
    expect(Number(row!.count)).toBe(3);
  });
});
