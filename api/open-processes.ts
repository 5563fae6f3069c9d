import type { Knex } from 'knex';
import type { OpenProcessCount } from '../platform/metrics';

const OPEN_PROCESSES = `
  select 'verification' as kind, method, coalesce(step, '') as step, count(*) as count
    from verifications where status = 'in_progress' group by method, step
  union all
  select 'change' as kind, type as method, coalesce(step, '') as step, count(*) as count
    from changes where status = 'in_progress' group by type, step`;

/** Verifications and changes in progress, by method (a change: its type) and step, from the read model. */
export async function openProcessCounts(db: Knex): Promise<OpenProcessCount[]> {
  const { rows }: { rows: { kind: OpenProcessCount['kind']; method: string; step: string; count: string | number }[] } = await db.raw(OPEN_PROCESSES);
  return rows.map((r) => ({ kind: r.kind, method: r.method, step: r.step, count: Number(r.count) }));
}
