// One enterprise, one identity (SPEC §10): the code an enterprise's quota and identity lookups count under.

import { isValidCreditCode, normalizeCreditCode } from './credit-code';
import { classifyEnterpriseCode, type EnterpriseCodeKind } from './enterprise';

/**
 * A code the registry may keep beside an enterprise's unified credit code: a
 * registration number or organisation code, normalised; null for anything
 * else, a credit code included (an enterprise has one, the path names it).
 */
export function formerEnterpriseCode(raw: string): string | null {
  const code = classifyEnterpriseCode('non_business_license', raw);
  return code.ok && code.kind !== 'credit_code' ? code.normalized : null;
}

/** Only a code that is not a unified credit code can stand for another: the registry is asked about those alone. */
export const mayMapToCreditCode = (code: { kind: EnterpriseCodeKind }): boolean => code.kind !== 'credit_code';

/**
 * The code an enterprise's identity is keyed by. A credit code is its own; a
 * registration number or organisation code the registry maps to a unified
 * credit code counts as that code, so the enterprise has one quota and one
 * lookup whichever it presents; a code the registry does not map (or maps to
 * something that is not a credit code) keeps its own, as before.
 */
export function identityCode(code: { normalized: string; kind: EnterpriseCodeKind }, registeredCreditCode: string | null): string {
  if (!mayMapToCreditCode(code) || registeredCreditCode === null || !isValidCreditCode(registeredCreditCode)) return code.normalized;
  return normalizeCreditCode(registeredCreditCode);
}
