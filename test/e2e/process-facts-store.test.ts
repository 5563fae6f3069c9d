import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, type Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { eraseUnfinishedBefore } from '../../store/process-erasure';
import { recordFacts, sharedFacts } from '../../store/process-facts';
import { transaction } from '../../store/tx';
import { openVerification, replaceEnterpriseApplication } from '../../store/verifications';
import { RETENTION_DATABASES, type OwnDatabase } from '../support/retention-db';

/**
 * The facts reviews' signals match on (store/process-facts.ts), on a database
 * of the file's own (retention erases by age): written with the process,
 * matched across accounts only, replaced by corrections, erased with the
 * process's personal data (SPEC §11).
 */
describe.each(RETENTION_DATABASES)('process facts on $database', ({ open }) => {
  let own: OwnDatabase;
  let db: Db;
  beforeAll(async () => {
    own = await open();
    db = own.db;
    await migrateLatest(db);
  });
  afterAll(() => own?.close());

  async function opened(accountId: string, facts: { kind: 'bank_account' | 'handler'; hash: string }[]) {
    const id = newId('ver');
    const v = { id, accountId, workflowId: `verification/${id}`, subjectType: 'enterprise' as const, method: 'public_remittance', subject: {}, idNumberEnc: null, identityHash: `hash-${id}`, expiresAt: null, facts };
    expect(await openVerification(db, v)).toEqual({ opened: true });
    // A retry writes nothing twice.
    expect(await openVerification(db, v)).toEqual({ opened: true });
    return id;
  }

  it('matches other accounts only, follows corrections, and goes with the erased process', async () => {
    const bank = { kind: 'bank_account' as const, hash: `bank-${randomUUID()}` };
    const a = await opened('acct-facts-a', [bank, { kind: 'handler', hash: `handler-${randomUUID()}` }]);
    const b = await opened('acct-facts-b', [bank]);
    const other = (id: string) => sharedFacts(db, id).then((rows) => rows.map((r) => ({ kind: r.kind, process: r.process_id, status: r.status })));
    expect(await other(a)).toEqual([{ kind: 'bank_account', process: b, status: 'in_progress' }]);
    expect(await other(b)).toEqual([{ kind: 'bank_account', process: a, status: 'in_progress' }]);
    // Another process of the same account with the same account number is no ring.
    const again = newId('ver');
    await transaction(db, (tx) => recordFacts(tx, { id: again, accountId: 'acct-facts-a' }, [bank]));
    expect((await other(a)).map((r) => r.process)).toEqual([b]);

    // b corrected its bank account: it no longer shares a's.
    await replaceEnterpriseApplication(db, { verificationId: b, subject: {}, piiEnc: 'v1.sealed', facts: [{ kind: 'bank_account', hash: 'another' }] });
    expect(await other(a)).toEqual([]);
    await replaceEnterpriseApplication(db, { verificationId: b, subject: {}, piiEnc: 'v1.sealed', facts: [bank] });

    // a failed long ago: retention erases its personal data, and its facts with it.
    await db('verifications').where({ id: a }).update({ status: 'failed', completed_at: new Date('2001-01-01T00:00:00Z') });
    expect(await eraseUnfinishedBefore(db, new Date('2002-01-01T00:00:00Z'), 10)).toBe(1);
    expect(await db('process_facts').where({ process_id: a })).toEqual([]);
    expect((await other(b)).map((r) => r.process)).toEqual([again]);
  });
});
