/**
 * The keyed hashes (HMAC under the service's hash key) that find a person, an
 * enterprise or a bank account again without storing the value itself: the
 * quota's identities, a payer's expected transfer, a transfer's sender. The
 * text hashed is fixed here, in one place, so every caller (API, activities,
 * the sandbox bank, tests) hashes the same value the same way.
 */
export interface KeyedHasher {
  keyedHash(value: string): string;
}

/** A bank account number as printed (grouped by spaces or dashes) and as stored (the digits) hash alike. */
const digitsOf = (accountNumber: string) => accountNumber.replace(/[\s-]/g, '');

/** The identity the quota counts for a person: the document type and its normalised number. */
export const individualIdentityHash = (hasher: KeyedHasher, idType: string, normalizedIdNumber: string): string =>
  hasher.keyedHash(`individual:${idType}:${normalizedIdNumber}`);

/** The identity the quota counts for an enterprise: its normalised credit code (one enterprise, one identity). */
export const enterpriseIdentityHash = (hasher: KeyedHasher, normalizedCode: string): string => hasher.keyedHash(`enterprise:${normalizedCode}`);

/** A corporate bank account: a recharge's confirmed payer, a transfer's sender. */
export const bankAccountHash = (hasher: KeyedHasher, accountNumber: string): string => hasher.keyedHash(`bank-account:${digitsOf(accountNumber)}`);

/** A hosted page's one-time link token (SPEC §13): the link is found by it, the token itself is never stored. */
export const pageLinkTokenHash = (hasher: KeyedHasher, token: string): string => hasher.keyedHash(`page-link:${token}`);

/** A reviewer's or admin's name where an export must not carry it: stable, so one person's events still group together. */
export const staffPseudonym = (hasher: KeyedHasher, name: string): string => `staff_${hasher.keyedHash(`staff:${name}`).slice(0, 16)}`;

/** What a review's signals match processes on (SPEC §6 "Signals"): each kind hashes under a purpose of its own. */
export const SIGNAL_KINDS = ['bank_account', 'handler', 'legal_person', 'contact_mobile'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** The value as the signal compares it: bank account digits, an ID number uppercased, a mobile without spaces or dashes. */
const signalText = (kind: SignalKind, value: string): string =>
  kind === 'bank_account' || kind === 'contact_mobile' ? digitsOf(value.trim()) : value.trim().toUpperCase();

/**
 * A process fact a review's signals match on: purpose-separated from every other hash here and between kinds, so a
 * handler's and a legal person's hash of one ID number differ, and none finds a quota identity or a transfer.
 */
export const signalFactHash = (hasher: KeyedHasher, kind: SignalKind, value: string): string => hasher.keyedHash(`signal:${kind}:${signalText(kind, value)}`);
