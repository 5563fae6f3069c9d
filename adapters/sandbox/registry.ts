import { normalizeCreditCode } from '../../domain/credit-code';
import { formerEnterpriseCode } from '../../domain/enterprise-identity';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import * as records from '../../store/sandbox/registry';
import type { RegistryProvider, RegistryRecord } from '../types';

/** Normalised former codes, once each; an entry that is not a registration number or organisation code is a caller's bug (the route validates). */
function formerCodesOf(raw: readonly string[]): string[] {
  return [...new Set(raw.map((code) => {
    const former = formerEnterpriseCode(code);
    if (former === null) throw new Error('a former code must be a registration number or an organisation code');
    return former;
  }))];
}

/**
 * Sandbox business registry: enterprises registered through the sandbox API;
 * the legal representative's ID number only sealed. An enterprise's former
 * codes (registration numbers, organisation codes) lead to it as its credit
 * code does; each belongs to one enterprise at a time.
 */
export class SandboxRegistry implements RegistryProvider {
  constructor(
    private readonly db: Db,
    private readonly cipher: PiiCipher,
  ) {}

  /**
   * Registers the enterprise as given: its former codes become exactly
   * `formerCodes` (none when absent). A former code another enterprise held
   * moves to this one: from then on it leads here, and no longer there.
   * Answers the former codes as kept (normalised, sorted).
   */
  async put(record: RegistryRecord): Promise<{ formerCodes: string[] }> {
    const creditCode = normalizeCreditCode(record.creditCode);
    const formerCodes = formerCodesOf(record.formerCodes ?? []).sort();
    const row = {
      credit_code: creditCode,
      name: record.name,
      legal_rep_name: record.legalRepresentative.name,
      legal_rep_id_enc: this.cipher.encrypt(record.legalRepresentative.idNumber),
      status: record.status,
    };
    await records.putEnterprise(this.db, row, formerCodes);
    return { formerCodes };
  }

  async lookup(code: string): Promise<RegistryRecord | null> {
    const former = formerEnterpriseCode(code);
    const owner = former === null ? undefined : await records.formerCode(this.db, former);
    const row = await records.enterpriseByCreditCode(this.db, owner?.credit_code ?? normalizeCreditCode(code));
    if (!row) return null;
    const formerCodes = await records.formerCodesOf(this.db, row.credit_code);
    return {
      creditCode: row.credit_code,
      name: row.name,
      legalRepresentative: { name: row.legal_rep_name, idNumber: this.cipher.decrypt(row.legal_rep_id_enc) },
      status: row.status,
      formerCodes,
    };
  }
}
