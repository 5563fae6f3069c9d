import type { Knex } from 'knex';

/**
 * Four eyes (SPEC §6): the approvals a review that needs two has before its
 * decision, oldest first ([{ by: { name }, at, reason }]); the approval that
 * decides a review is its decision (decided_by, decided_at, reason).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reviews', (t) => {
    t.jsonb('approvals').notNullable().defaultTo('[]');
  });
}
