import type { EnterpriseMethod, FailureReason } from './constants';
import type { Completion } from './eligibility';

/** SPEC §4: when each enterprise method completes, as the console shows it. */
export const ENTERPRISE_COMPLETION: Record<EnterpriseMethod, Completion> = {
  wechat_official_account: 'instant',
  legal_person_wechat: 'instant',
  legal_person_face: 'instant',
  recharge: '1 business day',
  public_remittance: '1-5 business days',
};

const ENTERPRISE_PREFERENCE: EnterpriseMethod[] = ['legal_person_wechat', 'legal_person_face', 'wechat_official_account', 'recharge', 'public_remittance'];

/** Legal-person WeChat QR is for industrial-and-commercial registrations only (codes 91/92); the rest suit any enterprise. */
export function enterpriseMethodEligible(method: EnterpriseMethod, industrialCommercial: boolean): boolean {
  return method !== 'legal_person_wechat' || industrialCommercial;
}

export function enterpriseOptions(industrialCommercial: boolean) {
  const methods = ENTERPRISE_PREFERENCE.map((method) => {
    const eligible = enterpriseMethodEligible(method, industrialCommercial);
    return { method, eligible, ...(eligible ? {} : { reason: 'METHOD_NOT_ELIGIBLE' as const }), completes: ENTERPRISE_COMPLETION[method] };
  });
  return { methods, recommended: methods.find((m) => m.eligible)!.method };
}

export interface RegistryCheck {
  /** The registry knows the code. */
  known: boolean;
  /** null: no name was asked about (a lookup checks the legal representative only). */
  nameMatches: boolean | null;
  /** null: no legal person to check, or the registry does not know the enterprise. */
  legalPersonMatches: boolean | null;
}

/**
 * What the business registry's answer means for a verification (SPEC §4): a
 * business licence (and legal-person WeChat, which relies on the registry's
 * legal representative) needs the registry to know the code — a newly issued
 * licence may not be there yet; where the registry knows the enterprise, its
 * name and legal representative must match.
 */
export function registryVerdict(
  application: { licenseType: 'business_license' | 'non_business_license'; method: EnterpriseMethod },
  check: RegistryCheck,
): FailureReason | null {
  if (!check.known) {
    return application.licenseType === 'business_license' || application.method === 'legal_person_wechat' ? 'ENTERPRISE_NOT_IN_REGISTRY' : null;
  }
  if (!check.nameMatches) return 'ENTERPRISE_NAME_MISMATCH';
  if (check.legalPersonMatches === false) return 'LEGAL_PERSON_MISMATCH';
  return null;
}
