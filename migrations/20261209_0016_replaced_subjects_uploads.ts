import type { Knex } from 'knex';

/**
 * Retention of personal data (SPEC §11), its last two categories.
 *
 * A change that replaced the account's subject is marked once the former
 * subject's record has been erased (`changes.former_subject_erased_at`), so
 * retention handles each change once; the changes still to handle are found
 * through a partial index that holds only them.
 *
 * An upload's file is deleted once no process holding personal data uses it:
 * `uploads.erased_at` marks the row before the file goes (the storage key is
 * kept until the file is gone, so a crash in between loses nothing), and
 * `uploads.in_use_checked_at` records that retention found it in use, so the
 * uploads kept for the current subject are not examined again on every run —
 * until a process of their account is erased, which clears it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('changes', (t) => {
    t.timestamp('former_subject_erased_at', { useTz: true });
  });
  await knex.raw(
    `create index changes_former_subject_due on changes (completed_at)
       where status = 'completed' and former_subject_erased_at is null
         and type in ('individual_to_individual', 'individual_to_enterprise', 'enterprise_entity_change')`,
  );
  await knex.schema.alterTable('uploads', (t) => {
    t.timestamp('erased_at', { useTz: true });
    t.timestamp('in_use_checked_at', { useTz: true });
  });
  // Uploads closure erased before this migration: their rows say so already ('[erased]'), now with a time too.
  await knex.raw(`update uploads set erased_at = now() where storage_key = '[erased]'`);
  await knex.raw(`create index uploads_retention_due on uploads (created_at) where erased_at is null and in_use_checked_at is null`);
  await knex.raw(`create index uploads_being_erased on uploads (erased_at) where erased_at is not null and storage_key <> '[erased]'`);
  // Files stored before sealing are shared by content: one stays while an upload not erased names it.
  await knex.raw(`create index uploads_legacy_files on uploads (storage_key) where storage_key like 'sha256/%'`);
}
