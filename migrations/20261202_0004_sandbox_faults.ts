import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The sandbox's fault switch: a provider listed as down fails every call the service makes to it.
  // In the database so that the API that flips it and the workers that call the providers agree.
  await knex.schema.createTable('sandbox_faults', (t) => {
    t.text('provider').primary();
    t.boolean('down').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
