import { maskBankAccount, maskIdNumber, maskMobile } from './masking';

/**
 * An enterprise application holds personal data (the contact's and legal
 * person's ID numbers and mobile, bank account numbers). It is stored twice:
 * masked for display, and the sensitive values sealed (encrypted) apart.
 * Revealing (admins) merges the sealed values back.
 */

export interface Person {
  name: string;
  /** 18-character mainland ID number, normalized. */
  idNumber: string;
}

export interface PayerAccount {
  accountName: string;
  accountNumber: string;
  bankName: string;
}

export interface RemittanceBankAccount {
  accountNumber: string;
  bankName: string;
  bankLocation: string;
  branchName: string;
  idPhotoEmblemUploadId: string;
  idPhotoPortraitUploadId: string;
}

export interface EnterpriseApplication {
  licenseType: string;
  licenseUploadId: string;
  name: string;
  creditCode: string;
  address: { region: string; detail: string };
  contact: Person & { mobile: string };
  legalPerson?: Person | undefined;
  payerAccount?: PayerAccount | undefined;
  bankAccount?: RemittanceBankAccount | undefined;
  handler?: Person | undefined;
}

export interface SealedEnterpriseFields {
  contact: { idNumber: string; mobile: string };
  legalPerson?: { idNumber: string };
  payerAccount?: { accountNumber: string };
  bankAccount?: { accountNumber: string };
  handler?: { idNumber: string };
}

export function maskedEnterprise(a: EnterpriseApplication): Record<string, unknown> {
  return {
    licenseType: a.licenseType,
    licenseUploadId: a.licenseUploadId,
    name: a.name,
    creditCode: a.creditCode,
    address: a.address,
    contact: { name: a.contact.name, idNumber: maskIdNumber(a.contact.idNumber), mobile: maskMobile(a.contact.mobile) },
    ...(a.legalPerson ? { legalPerson: { name: a.legalPerson.name, idNumber: maskIdNumber(a.legalPerson.idNumber) } } : {}),
    ...(a.payerAccount ? { payerAccount: { ...a.payerAccount, accountNumber: maskBankAccount(a.payerAccount.accountNumber) } } : {}),
    ...(a.bankAccount ? { bankAccount: { ...a.bankAccount, accountNumber: maskBankAccount(a.bankAccount.accountNumber) } } : {}),
    ...(a.handler ? { handler: { name: a.handler.name, idNumber: maskIdNumber(a.handler.idNumber) } } : {}),
  };
}

export function sealedFields(a: EnterpriseApplication): SealedEnterpriseFields {
  return {
    contact: { idNumber: a.contact.idNumber, mobile: a.contact.mobile },
    ...(a.legalPerson ? { legalPerson: { idNumber: a.legalPerson.idNumber } } : {}),
    ...(a.payerAccount ? { payerAccount: { accountNumber: a.payerAccount.accountNumber } } : {}),
    ...(a.bankAccount ? { bankAccount: { accountNumber: a.bankAccount.accountNumber } } : {}),
    ...(a.handler ? { handler: { idNumber: a.handler.idNumber } } : {}),
  };
}

/** The masked display form with the sealed values put back (for admins). */
export function revealEnterprise(masked: Record<string, unknown>, sealed: SealedEnterpriseFields): Record<string, unknown> {
  const out: Record<string, unknown> = { ...masked };
  for (const [field, values] of Object.entries(sealed) as [string, Record<string, string>][]) {
    const shown = out[field];
    if (shown && typeof shown === 'object') out[field] = { ...(shown as Record<string, unknown>), ...values };
  }
  return out;
}
