import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../platform/temporal-codec';
import { freePort } from '../../scripts/lib/processes';
import { runEveryFlow } from '../support/all-flows';
import { codecAnswers, historyPayloads } from '../support/history';
import { KEYS } from '../support/http';
import { databaseCopies, fileCopies, historyCopies, openedCopies, openSealedValues, serviceOpener, temporalRuns, uploadOpener, type OpenedValue, type Run } from '../support/leak-search';
import { startOwnStack, type OwnStack } from '../support/own-stack';
import { PersonalValues, type Copy } from '../support/personal-values';
import { eventually } from '../support/temporal-test-env';

/**
 * Nothing readable after closure (issue 23 item 6, SPEC §11): every
 * verification method and change type runs to its end (one process ends
 * failed, one cancelled), every account closes, and then no personal value
 * used is found — in any column of any table, any Temporal history of the
 * stack's runs (payloads decrypted with the codec key), the worker's and the
 * API's logs, or the uploads folder — not even by opening every sealed value
 * with the service's own keys: those under a process's key read `[erased]`.
 * The codec endpoint shows operators `[erased]`, and the audit trail still
 * tells every process and the closures, without personal data. Before the
 * closures the same search finds every value, so it is one that can fail.
 *
 * On a stack of its own: its database, logs and uploads folder hold this
 * test's data only, and its cooling-off between changes is a second.
 */
const secrets = inject('secrets');
let stack: OwnStack;
let db: Knex;
let connection: Connection;
let dataDir: string;
let receiver: Server;
let webhooksReceived = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-leaves-nothing-'));
  // Debug logs too: what an operator who turns them on would keep.
  stack = await startOwnStack('closure', { DATA_DIR: dataDir, CHANGE_COOLDOWN: '1s', LOG_LEVEL: 'debug' });
  db = knex({ client: 'pg', connection: stack.databaseUrl, pool: { min: 0, max: 4 } });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  // A client's webhook endpoint: what it receives is the client's copy; the service's copies (outbox, deliveries' runs) are searched.
  const port = await freePort();
  receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { connection: 'close' }).end(String(++webhooksReceived))));
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  const endpoint = await stack.api.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/hooks`, description: 'closure test' }, { headers: { 'idempotency-key': randomUUID() } });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
}, 180_000);
afterAll(async () => {
  receiver?.close();
  await connection?.close();
  await db?.destroy();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The sandbox's tables are the outside world's own records (the registry lists legal representatives, the bank keeps statements). */
const outsideWorld = (table: string) => table.startsWith('sandbox_');
const uploadsDir = () => path.join(dataDir, 'uploads');
const runsOfStack = () => {
  const queue = stack.env.TEMPORAL_TASK_QUEUE!;
  return temporalRuns(new Client({ connection }), `TaskQueue = "${queue}" OR TaskQueue = "${queue}-webhooks"`);
};

/** The Temporal dev server's own files (its SQLite store, its log): what a copy of the cluster's disk holds, other tests' runs too. */
function temporalServerFiles(): Copy[] {
  const dir = inject('serviceEnv').DATA_DIR!;
  const files = readdirSync(dir).filter((name) => /^temporal(\.db(-wal)?|-dev-server\.log)$/.test(name));
  expect(files).toContain('temporal.db');
  return files.map((name) => ({ where: `the Temporal dev server's ${name}`, bytes: readFileSync(path.join(dir, name)) }));
}

/** Every place the stack keeps data, and every sealed value in them opened with its keys (a fresh key cache). */
async function everything(runs: Run[]): Promise<{ copies: Copy[]; opened: OpenedValue[] }> {
  const logs = stack.logFiles.map((file) => ({ where: `log ${path.basename(file)}`, bytes: readFileSync(file) }));
  // The logs are the stack's: they name every run it closed.
  for (const { workflowId } of runs.filter((r) => /^(verification|change)\//.test(r.workflowId))) expect(Buffer.concat(logs.map((l) => l.bytes)).includes(workflowId), workflowId).toBe(true);
  const copies = [...(await databaseCopies(db, outsideWorld)), ...(await historyCopies(runs, secrets.codecKey)), ...logs, ...fileCopies(uploadsDir(), uploadOpener(secrets))];
  const opened = await openSealedValues(copies, serviceOpener(db, secrets));
  return { copies: [...copies, ...openedCopies(opened)], opened };
}

interface Process {
  kind: 'verification' | 'change';
  id: string;
  accountId: string;
}

async function processesOf(accountId: string): Promise<Process[]> {
  const list = async (kind: Process['kind']) =>
    ((await stack.api.get(`/v1/accounts/${accountId}/${kind}s?limit=100`)).body.items as { id: string }[]).map(({ id }) => ({ kind, id, accountId }));
  return [...(await list('verification')), ...(await list('change'))];
}

async function closeEvery(accounts: string[], recharged: string) {
  const close = (accountId: string) => stack.api.post(`/v1/accounts/${accountId}/closure`, { reason: 'the customer asked' }, { headers: { 'idempotency-key': `close-${randomUUID()}` } });
  // The recharge sits on the balance: refused until the platform's billing pays it out (outside this service, so in SQL).
  expect((await close(recharged)).body).toMatchObject({ status: 409, code: 'MONEY_UNSETTLED' });
  await db('accounts').where({ id: recharged }).update({ balance_fen: 0 });
  for (const accountId of accounts) expect((await close(accountId)).status).toBe(202);
  for (const accountId of accounts) {
    await eventually(async () => expect((await stack.api.get(`/v1/accounts/${accountId}/closure`)).body.status).toBe('completed'), { timeoutMs: 30_000, intervalMs: 200 });
  }
}

/** What the API still answers about the accounts, to an admin: the account, its personal-data document, its processes and messages. */
async function apiAnswers(accounts: string[]): Promise<Copy[]> {
  const paths = accounts.flatMap((a) => [`/v1/accounts/${a}`, `/v1/accounts/${a}/personal-data`, `/v1/accounts/${a}/verifications?limit=100`, `/v1/accounts/${a}/changes?limit=100`, `/v1/accounts/${a}/messages?limit=100`]);
  return Promise.all(paths.map(async (p) => ({ where: `GET ${p} (admin)`, bytes: Buffer.from(JSON.stringify((await stack.api.get(p, { token: KEYS.admin })).body)) })));
}

/** Every audit event of the account, oldest first. */
interface AuditEvent {
  action: string;
  processId: string | null;
}

async function auditOf(accountId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `accountId=${accountId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await stack.api.get<{ items: AuditEvent[]; nextCursor: string | null }>(`/v1/admin/audit-events?${query}`, { token: KEYS.admin })).body;
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events.reverse();
}

/** Per payload of the runs: the codec endpoint's answer, and whether the payload held values sealed under a process's key. */
async function codecView(runs: Run[]): Promise<{ where: string; answer: string; sealed: boolean }[]> {
  const codec = new AesGcmPayloadCodec(Buffer.from(secrets.codecKey, 'base64'));
  const views = await Promise.all(
    runs.map(async (run) => {
      const payloads = historyPayloads(run.history);
      const [decoded, answers] = await Promise.all([codec.decode(payloads), codecAnswers(payloads, stack.baseUrl)]);
      return answers.map((answer, i) => ({ where: `codec's answer for ${run.workflowId}`, answer, sealed: Buffer.from(decoded[i]!.data ?? []).includes('pd1.') }));
    }),
  );
  return views.flat();
}

describe('closing every account after every flow', () => {
  it('leaves no personal value readable anywhere, even with the service’s own keys; the codec shows [erased]; the audit trail stays whole', async () => {
    const values = new PersonalValues();
    const { accounts, recharged } = await runEveryFlow(stack.baseUrl, values);
    const processes = (await Promise.all(accounts.map(processesOf))).flat();
    expect(processes.length).toBeGreaterThanOrEqual(18);

    // Before: the same search finds every value used (so it is one that can fail), and the uploads' files.
    const runs = await eventually(async () => {
      const listed = await runsOfStack();
      expect(listed.map((r) => r.workflowId)).toEqual(expect.arrayContaining(processes.map((p) => `${p.kind}/${p.id}`)));
      return listed;
    });
    const before = await everything(runs);
    expect(values.missingFrom(before.copies)).toEqual([]);
    const uploadFiles = fileCopies(uploadsDir()).map((c) => c.where);
    expect(uploadFiles.length).toBeGreaterThan(15);
    expect(webhooksReceived).toBeGreaterThan(20);

    await closeEvery(accounts, recharged);

    // After: the closures' runs are searched too. Each kind of leak is reported (soft), so one run names every copy left.
    const runsAfter = await eventually(async () => {
      const listed = await runsOfStack();
      expect(listed.map((r) => r.workflowId)).toEqual(expect.arrayContaining(accounts.map((a) => `closure/${a}`)));
      return listed;
    });
    const after = await everything(runsAfter);
    expect(after.copies.length).toBeGreaterThan(before.copies.length / 2);
    expect.soft(values.foundIn([...after.copies, ...temporalServerFiles(), ...(await apiAnswers(accounts))])).toEqual([]);
    // Every value sealed under a process's key reads [erased] with the service's keys; no file of the accounts is left.
    const readable = after.opened.filter((o) => o.sealed.startsWith('pd1.') && o.opened !== '[erased]');
    expect.soft(readable.map((o) => `${o.sealed.slice(0, 24)}… in ${o.where} reads ${o.opened}`)).toEqual([]);
    expect(after.opened.filter((o) => o.sealed.startsWith('pd1.')).length).toBeGreaterThan(50);
    expect.soft(uploadFiles.filter((file) => existsSync(file.replace(/^file /, '')))).toEqual([]);

    // The audit trail: each process opened and closed, each closure requested and completed; no personal value in it.
    const audits = await Promise.all(accounts.map(auditOf));
    for (const [i, accountId] of accounts.entries()) {
      expect(audits[i]!.map((e) => e.action)).toEqual(expect.arrayContaining(['account.closure_requested', 'account.closing', 'account.closed']));
      for (const p of processes.filter((p) => p.accountId === accountId)) {
        expect(audits[i]!.filter((e) => e.processId === p.id).map((e) => e.action), p.id).toEqual(expect.arrayContaining([`${p.kind}.opened`, `${p.kind}.closed`]));
      }
    }
    expect.soft(values.foundIn([{ where: 'the audit trail', bytes: Buffer.from(JSON.stringify(audits)) }])).toEqual([]);

    // What operators see in the Temporal UI, once the API's key cache lapsed (platform/data-keys.ts KEY_CACHE_MS).
    await eventually(async () => {
      const views = await codecView(await runsOfStack());
      expect(values.foundIn(views.map((v) => ({ where: v.where, bytes: Buffer.from(v.answer) })))).toEqual([]);
      expect(views.filter((v) => v.sealed && (!v.answer.includes('[erased]') || v.answer.includes('pd1.'))).map((v) => v.where)).toEqual([]);
      expect(views.filter((v) => v.sealed).length).toBeGreaterThan(18);
    }, { timeoutMs: 25_000, intervalMs: 1_000 });
  });
});
