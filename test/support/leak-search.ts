import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { NoDataKey, createProcessKeys } from '../../platform/data-keys';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { AesGcmPayloadCodec } from '../../platform/temporal-codec';
import { dataKeyStore } from '../../store/data-keys';
import { historyPayloads } from './history';
import type { Copy } from './personal-values';

/**
 * Where a service keeps copies of what it was given, read the way someone
 * holding the service's data and its keys could read them: every column of
 * every table, every Temporal history (its payloads decrypted with the codec
 * key), the logs, the uploaded files (opened with the storage's sealer), and
 * every sealed value found in any of them opened with the service's own keys.
 */

export interface ServiceSecrets {
  codecKey: string;
  piiEncryptionKey: string;
  piiHashKey: string;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/**
 * Every column of every table of the database (every schema but the catalog's), one copy per column: as Postgres
 * renders it as text, bytea as its bytes. `except` leaves out tables by name (without their schema).
 */
export async function databaseCopies(db: Knex, except: (table: string) => boolean = () => false): Promise<Copy[]> {
  const columns: { table: string; column_name: string; data_type: string }[] = await db('information_schema.columns')
    .whereNotIn('table_schema', ['pg_catalog', 'information_schema'])
    .orderBy(['table_schema', 'table_name', 'ordinal_position'])
    .select(db.raw(`table_schema || '.' || table_name as "table"`), 'column_name', 'data_type');
  const copies: Copy[] = [];
  for (const table of [...new Set(columns.map((c) => c.table))].filter((t) => !except(t.slice(t.indexOf('.') + 1)))) {
    const own = columns.filter((c) => c.table === table);
    const select = own.map((c) => (c.data_type === 'bytea' ? db.raw('??', [c.column_name]) : db.raw('??::text as ??', [c.column_name, c.column_name])));
    const rows: Record<string, string | Buffer | null>[] = await db(table).select(select);
    for (const { column_name } of own) {
      const values = rows.map((r) => r[column_name]).filter((v): v is string | Buffer => v !== null);
      copies.push({ where: `table ${table}, column ${column_name}`, bytes: Buffer.concat(values.flatMap((v) => [Buffer.isBuffer(v) ? v : utf8(v), utf8('\n')])) });
    }
  }
  return copies;
}

// A value sealed under a process's data key (domain/sealed-value.ts), and one sealed under the master key (platform/crypto.ts).
const SEALED = /pd1\.[a-z]{3}_[A-Za-z0-9]{8,64}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Every sealed value in the copies (each once), with the first place it was found. */
export function sealedValuesIn(copies: Copy[]): { where: string; sealed: string }[] {
  const seen = new Map<string, string>();
  for (const copy of copies) for (const [sealed] of copy.bytes.toString('latin1').matchAll(SEALED)) if (!seen.has(sealed)) seen.set(sealed, copy.where);
  return [...seen].map(([sealed, where]) => ({ sealed, where }));
}

/** What a sealed value reads with the service's own keys: the plaintext, `[erased]`, or `[no key]` / `[unreadable]`. */
export type Opener = (sealed: string) => Promise<string>;

/** An opener with the service's keys as they stand now (a fresh key cache: a key destroyed before this call opens nothing). */
export function serviceOpener(db: Knex, secrets: ServiceSecrets): Opener {
  const master = createPiiCipher(Buffer.from(secrets.piiEncryptionKey, 'base64'), Buffer.from(secrets.piiHashKey, 'base64'));
  const keys = createProcessKeys({ store: dataKeyStore(db), master });
  return async (sealed) => {
    if (sealed.startsWith('v1.')) {
      try {
        return master.decrypt(sealed);
      } catch {
        return '[unreadable]';
      }
    }
    return keys.open(sealed).catch((err: unknown) => (err instanceof NoDataKey ? '[no key]' : '[unreadable]'));
  };
}

export interface OpenedValue {
  where: string;
  sealed: string;
  opened: string;
}

/** Opens every sealed value found in the copies, and those found in what they open to (a stored answer sealed whole may hold sealed fields). */
export async function openSealedValues(copies: Copy[], open: Opener): Promise<OpenedValue[]> {
  const opened: OpenedValue[] = [];
  let next = sealedValuesIn(copies);
  for (let depth = 0; depth < 3 && next.length > 0; depth++) {
    const round = await Promise.all(next.map(async ({ where, sealed }) => ({ where, sealed, opened: await open(sealed) })));
    opened.push(...round);
    const known = new Set(opened.map((o) => o.sealed));
    next = sealedValuesIn(round.map((o) => ({ where: `${o.where} (inside ${o.sealed.slice(0, 24)}…)`, bytes: utf8(o.opened) }))).filter((s) => !known.has(s.sealed));
  }
  return opened;
}

/** The opened values as copies, each named by where its sealed value was. */
export const openedCopies = (values: OpenedValue[]): Copy[] =>
  values.map((v) => ({ where: `${v.where}, sealed value ${v.sealed.slice(0, 24)}… opened with the service's keys`, bytes: utf8(v.opened) }));

export interface Run {
  workflowId: string;
  runId: string;
  history: temporal.api.history.v1.IHistory;
}

/** Every run the visibility query lists (closed ones too, every run of a continued-as-new chain), with its history as the cluster stores it. */
export async function temporalRuns(client: Client, query: string): Promise<Run[]> {
  const runs: Run[] = [];
  for await (const execution of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    runs.push({ workflowId: execution.workflowId, runId: execution.runId, history });
  }
  return runs;
}

const asText = (_key: string, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value);

/** Per run: the history as stored (every field, payloads' bytes as text), and every payload decrypted with the service's codec key. */
export async function historyCopies(runs: Run[], codecKey: string): Promise<Copy[]> {
  const codec = new AesGcmPayloadCodec(Buffer.from(codecKey, 'base64'));
  const copies: Copy[] = [];
  for (const run of runs) {
    copies.push({ where: `history of ${run.workflowId} (as stored)`, bytes: utf8(JSON.stringify(run.history, asText)) });
    const decoded = await codec.decode(historyPayloads(run.history));
    copies.push({ where: `history of ${run.workflowId} (payloads decrypted with the codec key)`, bytes: Buffer.concat(decoded.map((p) => Buffer.concat([Buffer.from(p.data ?? []), utf8('\n')]))) });
  }
  return copies;
}

/** Every file under a folder as it is on disk, and (`open`) each opened as the service opens it. */
export function fileCopies(dir: string, open?: (bytes: Buffer, relative: string) => Buffer | undefined): Copy[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(path.join(dir, name)).isFile());
  return files.flatMap((name) => {
    const bytes = readFileSync(path.join(dir, name));
    const opened = open?.(bytes, name);
    return [{ where: `file ${path.join(dir, name)}`, bytes }, ...(opened ? [{ where: `file ${path.join(dir, name)} opened with the storage's sealer`, bytes: opened }] : [])];
  });
}

/** The uploads' opener: LocalDiskStorage seals each file bound to its storage key (its path under the storage root). */
export function uploadOpener(secrets: ServiceSecrets) {
  const sealer = createBytesSealer(Buffer.from(secrets.piiEncryptionKey, 'base64'));
  return (bytes: Buffer, relative: string): Buffer | undefined => {
    try {
      return sealer.open(bytes, relative.split(path.sep).join('/'));
    } catch {
      return undefined;
    }
  };
}
