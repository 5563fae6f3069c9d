import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // SPEC §11: a process that ended without verifying keeps its personal data RETENTION_UNFINISHED (90 days), then its
  // data key is destroyed and its row scrubbed; this marks when, so retention finds each process once.
  for (const table of ['verifications', 'changes']) {
    await knex.schema.alterTable(table, (t) => {
      t.timestamp('personal_data_erased_at', { useTz: true });
      t.index(['status', 'completed_at']);
    });
  }
}
