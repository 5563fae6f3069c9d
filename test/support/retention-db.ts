import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { createRetentionActivities, type DeleteExpiredArgs, type RetentionDeps } from '../../activities/retention';
import type { RetentionCategory } from '../../domain/retention';
import { createDb, type Db } from '../../platform/db';

/**
 * Databases of a retention test file's own (a delete by age would reach other
 * tests' rows on the shared one), and the retention activity as a worker runs
 * it.
 */
const ADMIN_URL = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface OwnDatabase {
  db: Db;
  close: () => Promise<void>;
}

/** A fresh PostgreSQL database of the file's own. */
export async function openPostgres(): Promise<OwnDatabase> {
  const dbName = `rnv_retention_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: ADMIN_URL });
  await admin.raw(`create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const opened = createDb({ databaseUrl: url.toString(), dataDir: '' });
  return {
    db: opened,
    close: async () => {
      await opened.destroy();
      await admin.raw(`drop database if exists ${dbName} with (force)`);
      await admin.destroy();
    },
  };
}

/** The embedded PGlite database `npm start` uses (one connection: no second transaction to race with). */
export async function openPglite(): Promise<OwnDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rnv-retention-'));
  const opened = createDb({ databaseUrl: undefined, dataDir: dir });
  return { db: opened, close: async () => void (await opened.destroy(), rmSync(dir, { recursive: true, force: true })) };
}

/** Both databases retention runs on, for describe.each (`concurrent`: a second transaction can hold a lock meanwhile). */
export const RETENTION_DATABASES = [
  { database: 'PostgreSQL', open: openPostgres, concurrent: true },
  { database: 'the embedded PGlite', open: openPglite, concurrent: false },
];

export type RetentionRun = { deleted: number; more: boolean; heartbeats: unknown[] };

/** The activity as a worker runs it, with these dependencies; `heartbeats` collects what it reported. */
export async function runRetention(
  deps: RetentionDeps,
  args: Partial<DeleteExpiredArgs> & { category: RetentionCategory; cutoff: string },
  info: Partial<Info> = {},
): Promise<RetentionRun> {
  const env = new MockActivityEnvironment(info);
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const run = (a: DeleteExpiredArgs) => createRetentionActivities(deps).deleteExpired(a);
  const result = await env.run<[DeleteExpiredArgs], { deleted: number; more: boolean }, typeof run>(run, { batchSize: 1000, maxBatches: 100, ...args });
  return { ...result, heartbeats };
}
