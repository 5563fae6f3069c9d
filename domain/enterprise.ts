// Enterprise identifiers and contact details (SPEC §4).

import { isIndustrialCommercialCode, isValidCreditCode, normalizeCreditCode, weightedSum } from './credit-code';

// ---------------------------------------------------------------------------
// GB 11714-1997 organisation code (组织机构代码): 8 body characters from 0-9 A-Z
// and a check character, usually written `XXXXXXXX-C`. It is also characters
// 9-17 of a unified social credit code.

const ORGANIZATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const ORGANIZATION_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Trim, uppercase, drop the hyphen before the check character: `d2143569-x` → `D2143569X`. */
export function normalizeOrganizationCode(raw: string): string {
  const code = raw.trim().toUpperCase();
  return /^[0-9A-Z]{8}-[0-9X]$/.test(code) ? code.slice(0, 8) + code.slice(9) : code;
}

/** Digit → 0-9, letter → 10 + its index (A=10 … Z=35); C9 = 11 − (Σ mod 11), 10 → X, 11 → 0. */
export function organizationCodeCheckChar(first8: string): string {
  const sum = weightedSum('organizationCodeCheckChar', first8, { chars: ORGANIZATION_CODE_ALPHABET, described: '0-9 or A-Z' }, ORGANIZATION_CODE_WEIGHTS);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function isValidOrganizationCode(raw: string): boolean {
  const code = normalizeOrganizationCode(raw);
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return false;
  return organizationCodeCheckChar(code.slice(0, 8)) === code.charAt(8);
}

/** Old 15-digit business registration number (工商注册号); its check digit is not verified. */
export function isRegistrationNumber(raw: string): boolean {
  return /^\d{15}$/.test(raw.trim());
}

// ---------------------------------------------------------------------------

export type EnterpriseLicenseType = 'business_license' | 'non_business_license';

export type EnterpriseCodeKind = 'credit_code' | 'organization_code' | 'registration_number';

export type EnterpriseCodeClassification =
  | { ok: true; normalized: string; kind: EnterpriseCodeKind; industrialCommercial: boolean }
  | { ok: false };

/**
 * A business licence (营业执照) carries an 18-character unified social credit
 * code; other registration certificates (非营业执照) may instead carry an
 * organisation code (normalized without its hyphen) or an old 15-digit
 * registration number. Only a credit code starting 91/92 is
 * industrial-and-commercial (the legal person WeChat QR method needs one).
 */
export function classifyEnterpriseCode(
  licenseType: EnterpriseLicenseType,
  raw: string,
): EnterpriseCodeClassification {
  if (isValidCreditCode(raw)) {
    const normalized = normalizeCreditCode(raw);
    return { ok: true, normalized, kind: 'credit_code', industrialCommercial: isIndustrialCommercialCode(normalized) };
  }
  if (licenseType !== 'non_business_license') return { ok: false };
  if (isValidOrganizationCode(raw)) {
    return { ok: true, normalized: normalizeOrganizationCode(raw), kind: 'organization_code', industrialCommercial: false };
  }
  if (isRegistrationNumber(raw)) {
    return { ok: true, normalized: raw.trim(), kind: 'registration_number', industrialCommercial: false };
  }
  return { ok: false };
}

// ---------------------------------------------------------------------------
// Contact mobile: +86 followed by an 11-digit mainland mobile number (1[3-9]…).

export const MAINLAND_MOBILE = /^\+861[3-9]\d{9}$/;

/**
 * NFKC (full-width ＋ and digits from Chinese input methods become ASCII),
 * then spaces and hyphens removed: `+86 138-1234-5678` → `+8613812345678`.
 * No country code is added: a number without +86 stays invalid.
 */
export function normalizeMobile(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s-]+/g, '');
}

export function isMainlandMobile(raw: string): boolean {
  return MAINLAND_MOBILE.test(normalizeMobile(raw));
}

// ---------------------------------------------------------------------------

