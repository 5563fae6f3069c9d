import type { Db } from '../../platform/db';

/** The sandbox's fault switch (adapters/sandbox/faults.ts), one row per provider, shared by API and worker processes. */

export async function setFault(db: Db, provider: string, down: boolean): Promise<void> {
  await db('sandbox_faults').insert({ provider, down }).onConflict('provider').merge({ down, updated_at: db.fn.now() });
}

export async function isDown(db: Db, provider: string): Promise<boolean> {
  const row = (await db('sandbox_faults').where({ provider }).first()) as { down: boolean } | undefined;
  return row?.down === true;
}
