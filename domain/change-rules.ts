/**
 * The rules for changing an account's verified subject (SPEC §5), as pure
 * functions: which change fits which account, the 30-day cooling-off (none for
 * individual → enterprise), the order of refusals at creation (API.md), the
 * materials each reviewed change needs, and when a name change is automatic.
 */
import type { SubjectType } from './constants';
import { isIndustrialCommercialCode, normalizeCreditCode } from './credit-code';

export const ChangeType = {
  individual_to_enterprise: 'individual_to_enterprise',
  individual_to_individual: 'individual_to_individual',
  enterprise_entity_change: 'enterprise_entity_change',
  enterprise_name_change: 'enterprise_name_change',
  legal_representative_update: 'legal_representative_update',
} as const;
export type ChangeType = (typeof ChangeType)[keyof typeof ChangeType];
export const CHANGE_TYPES = Object.values(ChangeType) as [ChangeType, ...ChangeType[]];

export const CHANGE_STATUSES = ['in_progress', 'completed', 'revoked', 'expired', 'failed'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/** The steps a change shows (API.md "Changes of subject"). */
export const CHANGE_STEPS = [
  'awaiting_holder_face',
  'awaiting_holder_scan',
  'awaiting_new_person_face',
  'awaiting_new_person_scan',
  'awaiting_materials',
  'awaiting_review',
  'awaiting_new_subject',
  'verifying_new_subject',
] as const;
export type ChangeStep = (typeof CHANGE_STEPS)[number];

/** The subject an account must have for each change type; enterprise → individual exists for none. */
const FROM: Record<ChangeType, SubjectType> = {
  individual_to_enterprise: 'individual',
  individual_to_individual: 'individual',
  enterprise_entity_change: 'enterprise',
  enterprise_name_change: 'enterprise',
  legal_representative_update: 'enterprise',
};

/** An 18-character unified social credit code of an industrial-and-commercial registration (91/92). */
const industrialCommercial18 = (code: string | null | undefined): boolean => {
  const normalized = normalizeCreditCode(code ?? '');
  return normalized.length === 18 && isIndustrialCommercialCode(normalized);
};

/** Only individual → enterprise may follow a completion at once. */
export const coolsOff = (type: ChangeType): boolean => type !== ChangeType.individual_to_enterprise;

/** What the creation refusals look at. */
export interface AccountStanding {
  verified: boolean;
  subjectType: SubjectType | null;
  /** The verified enterprise's credit code (enterprise accounts). */
  creditCode?: string | null;
  /** When the last verification or change completed. */
  lastCompletedAt: Date | null;
  hasOpenProcess: boolean;
}

/** The standing of an account as its row holds it (the read model's accounts table). */
export function accountStanding(account: {
  verification_status: string;
  subject_type: SubjectType | null;
  subject: Record<string, unknown> | null;
  last_completed_at: Date | null;
  verified_at: Date | null;
  open_process_id: string | null;
} | undefined): AccountStanding {
  const verified = account?.verification_status === 'verified';
  return {
    verified,
    subjectType: verified ? (account?.subject_type ?? null) : null,
    creditCode: (account?.subject as { creditCode?: string } | null)?.creditCode ?? null,
    lastCompletedAt: account?.last_completed_at ?? account?.verified_at ?? null,
    hasOpenProcess: Boolean(account?.open_process_id),
  };
}

export type ChangeRefusal =
  | { code: 'ACCOUNT_CLOSED' }
  | { code: 'NOT_VERIFIED' }
  | { code: 'CHANGE_NOT_ALLOWED'; why: string }
  | { code: 'PROCESS_ALREADY_OPEN' }
  | { code: 'CHANGE_COOLDOWN'; allowedFrom: Date };

/** Why this type of change does not fit this account's subject, or null when it does. */
export function changeMisfit(type: ChangeType, account: Pick<AccountStanding, 'subjectType' | 'creditCode'>): string | null {
  if (account.subjectType === 'enterprise' && FROM[type] === 'individual') return 'an enterprise account never becomes an individual’s';
  if (account.subjectType !== FROM[type]) return `a ${type} change is for ${FROM[type]} accounts`;
  if (type === ChangeType.legal_representative_update && !industrialCommercial18(account.creditCode)) {
    return 'a legal-representative update is only for 18-character codes starting 91 or 92';
  }
  return null;
}

/** When a change of `type` becomes possible: the last completion plus the cooling-off (no wait for individual → enterprise). */
export function changeAllowedFrom(type: ChangeType, lastCompletedAt: Date, cooldownMs: number): Date {
  return coolsOff(type) ? new Date(lastCompletedAt.getTime() + cooldownMs) : lastCompletedAt;
}

/** One change type as the account view offers it (SPEC §12): whether it fits the account, why not, and from when. */
export interface ChangeOption {
  type: ChangeType;
  fits: boolean;
  reason?: string;
  allowedFrom: Date | null;
}

type OptionStanding = Pick<AccountStanding, 'verified' | 'subjectType' | 'creditCode' | 'lastCompletedAt'>;

/** Every change type for this account, in API.md's order, so a client knows which change buttons to enable and from when. */
export function changeOptions(account: OptionStanding, cooldownMs: number): ChangeOption[] {
  return CHANGE_TYPES.map((type) => {
    if (!account.verified || !account.subjectType) return { type, fits: false, reason: 'the account has no verified subject to change', allowedFrom: null };
    const misfit = changeMisfit(type, account);
    if (misfit) return { type, fits: false, reason: misfit, allowedFrom: null };
    return { type, fits: true, allowedFrom: account.lastCompletedAt ? changeAllowedFrom(type, account.lastCompletedAt, cooldownMs) : null };
  });
}

/** The account view's `changeAllowedFrom`: the earliest time any change that fits the account is possible. */
export function earliestChangeFrom(account: OptionStanding, cooldownMs: number): Date | null {
  const times = changeOptions(account, cooldownMs).flatMap((option) => (option.allowedFrom ? [option.allowedFrom.getTime()] : []));
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** The first refusal of a change request, in the order API.md fixes (after request validation, before the new person's rules). */
export function changeRefusal(type: ChangeType, account: AccountStanding, now: Date, cooldownMs: number): ChangeRefusal | null {
  if (!account.verified || !account.subjectType) return { code: 'NOT_VERIFIED' };
  const misfit = changeMisfit(type, account);
  if (misfit) return { code: 'CHANGE_NOT_ALLOWED', why: misfit };
  if (account.hasOpenProcess) return { code: 'PROCESS_ALREADY_OPEN' };
  if (account.lastCompletedAt) {
    const allowedFrom = changeAllowedFrom(type, account.lastCompletedAt, cooldownMs);
    if (now.getTime() < allowedFrom.getTime()) return { code: 'CHANGE_COOLDOWN', allowedFrom };
  }
  return null;
}

/** Materials a reviewed change needs (API.md); `deregistration_proof` stands in for `current_license`. */
export function requiredMaterials(type: 'enterprise_entity_change' | 'enterprise_name_change'): string[] {
  return type === ChangeType.enterprise_entity_change
    ? ['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait']
    : ['change_application_form', 'name_change_proof', 'current_license'];
}

/** The purposes missing from `given` (by purpose → upload id), `deregistration_proof` counting as `current_license`. */
export function missingMaterials(required: readonly string[], given: Record<string, string>): string[] {
  const has = (purpose: string) => Boolean(given[purpose]) || (purpose === 'current_license' && Boolean(given.deregistration_proof));
  return required.filter((purpose) => !has(purpose));
}

/**
 * A name change is automatic when the verified record holds both the name and
 * an industrial-and-commercial code (91/92) — the registry then confirms the
 * new name for that code; otherwise it goes through materials and review.
 */
export function nameChangeIsAutomatic(record: { name?: string | null; creditCode?: string | null }): boolean {
  return Boolean(record.name?.trim()) && industrialCommercial18(record.creditCode);
}
