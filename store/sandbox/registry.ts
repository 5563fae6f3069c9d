import type { Db } from '../../platform/db';
import { sql, transaction } from '../tx';

/**
 * The sandbox business registry's records (adapters/sandbox/registry.ts):
 * enterprises by credit code, the legal representative's ID number sealed,
 * and the former codes that lead to each, one enterprise per code.
 */

export interface RegistryEnterpriseRow {
  credit_code: string;
  name: string;
  legal_rep_name: string;
  legal_rep_id_enc: string;
  status: string;
  updated_at: Date;
}

export interface FormerCodeRow {
  code: string;
  credit_code: string;
  updated_at: Date;
}

/** The enterprise as given, its former codes exactly `formerCodes` (a code another enterprise held moves here). */
export async function putEnterprise(db: Db, row: Omit<RegistryEnterpriseRow, 'updated_at'>, formerCodes: string[]): Promise<void> {
  const creditCode = row.credit_code;
  await transaction(db, async (tx) => {
    const trx = sql(tx);
    await trx('sandbox_registry_enterprises').insert(row).onConflict('credit_code').merge({ ...row, updated_at: trx.fn.now() });
    await trx('sandbox_registry_former_codes').where({ credit_code: creditCode }).whereNotIn('code', formerCodes).delete();
    if (formerCodes.length === 0) return;
    await trx('sandbox_registry_former_codes')
      .insert(formerCodes.map((code) => ({ code, credit_code: creditCode })))
      .onConflict('code')
      .merge({ credit_code: creditCode, updated_at: trx.fn.now() });
  });
}

/** The enterprise a former code leads to. */
export const formerCode = (db: Db, code: string): Promise<FormerCodeRow | undefined> => db<FormerCodeRow>('sandbox_registry_former_codes').where({ code }).first();

export const enterpriseByCreditCode = (db: Db, creditCode: string): Promise<RegistryEnterpriseRow | undefined> =>
  db<RegistryEnterpriseRow>('sandbox_registry_enterprises').where({ credit_code: creditCode }).first();

/** An enterprise's former codes, sorted. */
export const formerCodesOf = (db: Db, creditCode: string): Promise<string[]> =>
  db<FormerCodeRow>('sandbox_registry_former_codes').where({ credit_code: creditCode }).orderBy('code').pluck('code');
