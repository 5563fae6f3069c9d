import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The sandbox registry's former codes (registration numbers, organisation codes) of an enterprise.
  // The code is the key: a former code belongs to one credit code at a time.
  await knex.schema.createTable('sandbox_registry_former_codes', (t) => {
    t.text('code').primary();
    t.text('credit_code').notNullable().references('credit_code').inTable('sandbox_registry_enterprises').onDelete('CASCADE');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['credit_code']);
  });
}
