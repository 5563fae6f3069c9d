/**
 * What the sandbox phone should play, per process: the person the phone belongs to (the one the QR is for) and the
 * paying account, as typed into this tab's forms. Memory only (never stored): after a reload the phone asks again.
 */
export interface PhoneRecord {
  realName?: string;
  idNumber?: string;
  idType?: string;
  payerAccountNumber?: string;
  payerAccountName?: string;
  enterpriseName?: string;
  bankAccountNumber?: string;
}

const records = new Map<string, PhoneRecord>();

export function rememberForPhone(processId: string, record: PhoneRecord): void {
  records.set(processId, { ...records.get(processId), ...record });
}

export function phoneRecord(processId: string): PhoneRecord {
  return records.get(processId) ?? {};
}

let enabled = false;

/** Whether the service runs its sandbox (GET /apply/config.json): only then is the phone shown. */
export async function loadSandboxFlag(): Promise<void> {
  const res = await fetch('/apply/config.json', { credentials: 'same-origin' });
  enabled = res.ok && ((await res.json()) as { sandbox?: boolean }).sandbox === true;
}

export const sandboxEnabled = () => enabled;
