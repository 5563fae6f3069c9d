import type { Knex } from 'knex';
import { normalizeCreditCode } from '../../domain/credit-code';
import type { PiiCipher } from '../../platform/crypto';
import type { RegistryProvider, RegistryRecord } from '../types';

interface RegistryEnterpriseRow {
  credit_code: string;
  name: string;
  legal_rep_name: string;
  legal_rep_id_enc: string;
  status: string;
  updated_at: Date;
}

/** Sandbox business registry: enterprises registered through the sandbox API; the legal representative's ID number only sealed. */
export class SandboxRegistry implements RegistryProvider {
  constructor(
    private readonly db: Knex,
    private readonly cipher: PiiCipher,
  ) {}

  async put(record: RegistryRecord): Promise<void> {
    const row = {
      credit_code: normalizeCreditCode(record.creditCode),
      name: record.name,
      legal_rep_name: record.legalRepresentative.name,
      legal_rep_id_enc: this.cipher.encrypt(record.legalRepresentative.idNumber),
      status: record.status,
    };
    await this.db('sandbox_registry_enterprises')
      .insert(row)
      .onConflict('credit_code')
      .merge({ ...row, updated_at: this.db.fn.now() });
  }

  async lookup(creditCode: string): Promise<RegistryRecord | null> {
    const row = await this.db<RegistryEnterpriseRow>('sandbox_registry_enterprises')
      .where({ credit_code: normalizeCreditCode(creditCode) })
      .first();
    if (!row) return null;
    return {
      creditCode: row.credit_code,
      name: row.name,
      legalRepresentative: { name: row.legal_rep_name, idNumber: this.cipher.decrypt(row.legal_rep_id_enc) },
      status: row.status,
    };
  }
}
