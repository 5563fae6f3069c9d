import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { migrations } from '../migrations';

export type Db = Knex;

export interface DbOptions {
  databaseUrl: string | undefined;
  /** Used for the embedded PGlite database when no DATABASE_URL is given. */
  dataDir: string;
  poolMax?: number;
  /** Shown in pg_stat_activity and the server's log (%a): which of the service's processes a connection is. */
  applicationName?: string;
}

/**
 * Bounds on waiting for PostgreSQL, so a request during an outage is answered
 * (503 SERVICE_UNAVAILABLE) instead of hanging: a connection attempt gives
 * up after DB_CONNECT_TIMEOUT_MS, and a query waits at most
 * DB_ACQUIRE_TIMEOUT_MS for a pooled connection (knex's default is 60 s).
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000;
export const DB_ACQUIRE_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL through `pg` when DATABASE_URL is set; otherwise an embedded
 * PGlite database in <dataDir>/pglite, which only one process may open.
 */
export function createDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    return knex({
      client: 'pg',
      // keepAlive: a server that vanished without closing the socket is noticed, not waited on forever.
      connection: {
        connectionString: options.databaseUrl,
        connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
        keepAlive: true,
        ...(options.applicationName ? { application_name: options.applicationName } : {}),
      },
      pool: { min: 0, max: options.poolMax ?? 10 },
      acquireConnectionTimeout: DB_ACQUIRE_TIMEOUT_MS,
    });
  }
  const dir = path.join(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  return knex({ client: ClientPgLite, dialect: 'postgres', connection: { filename: dir } } as Knex.Config);
}

/** What the service reads of a connection pool (tarn's, under knex): its metrics. */
export interface ConnectionPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  on(event: 'acquireRequest' | 'acquireSuccess' | 'acquireFail', listener: (eventId: number) => void): void;
}

/** The connection pool of a PostgreSQL database (none for PGlite, a single connection). */
export function connectionPool(db: Db): ConnectionPool | null {
  return (db.client as { pool?: ConnectionPool }).pool ?? null;
}

export function describeDb(options: DbOptions): string {
  if (!options.databaseUrl) return `embedded PGlite (${path.join(options.dataDir, 'pglite')})`;
  try {
    const url = new URL(options.databaseUrl);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** Migrations are listed in code (not discovered on disk) so they load the same under tsx, node and bundlers. */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return {
      up: (knex: Knex) => migration.up(knex),
      down: async () => {
        throw new Error('migrations are forward-only');
      },
    };
  },
};

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
