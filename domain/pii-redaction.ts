import { maskBankAccount, maskIdNumber, maskMobile } from './masking';
import { ERASED, isSealed, UNREADABLE } from './sealed-value';

/**
 * Personal data masked wherever it sits in a JSON value: what operators see of
 * a workflow's inputs, signals and results. Fields are recognised by name
 * (`idNumber`, `accountNumber`, `mobile`…), and any string that looks like
 * an ID number, a bank account or a mainland mobile is masked wherever it
 * appears, so a number inside a message or under an unexpected key does not
 * slip through.
 */

type Mask = (value: string) => string;

/** A birth date tells the digits an ID number's mask hides: shown to operators not at all. */
const maskBirthDate: Mask = () => '****-**-**';

const BY_KEY: [RegExp, Mask][] = [
  [/birth_?date|date_?of_?birth|^dob$/i, maskBirthDate],
  [/id_?number|idcard|id_?no$/i, maskIdNumber],
  [/account_?number|bank_?account|card_?number|accountno/i, maskBankAccount],
  [/mobile|phone/i, maskMobile],
];

// In free text (masking too much beats too little): an 18-character ID (17 digits and a check character), long digit runs (accounts), mainland mobiles.
const ID_IN_TEXT = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const DIGITS_IN_TEXT = /(?<!\d)\d{12,30}(?!\d)/g;
const MOBILE_IN_TEXT = /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g;

export function maskText(text: string): string {
  return text.replace(ID_IN_TEXT, maskIdNumber).replace(DIGITS_IN_TEXT, maskBankAccount).replace(MOBILE_IN_TEXT, maskMobile);
}

// An enterprise's unified social credit code is public (it is printed on the licence), and may be all digits.
const PUBLIC_KEYS = /^creditCode$/i;

const maskFor = (key: string): Mask | undefined => BY_KEY.find(([pattern]) => pattern.test(key))?.[1];

/** A copy of the value with every piece of personal data masked; the input is not changed. */
export function redactPersonalData(value: unknown, key = ''): unknown {
  // What erasure left, and what is still sealed (no key to open it here), hide nothing.
  if (value === ERASED || value === UNREADABLE || isSealed(value)) return value;
  if (typeof value === 'string') {
    const mask = maskFor(key);
    if (mask) return mask(value);
    return PUBLIC_KEYS.test(key) ? value : maskText(value);
  }
  if (typeof value === 'number' && maskFor(key)) return maskFor(key)!(String(value));
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPersonalData(v, k)]));
  }
  return value;
}
