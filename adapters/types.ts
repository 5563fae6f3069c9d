/**
 * Provider interfaces. Each has a sandbox implementation (adapters/sandbox) that
 * keeps its own state and answers through signed callbacks; a production
 * integration implements the same interface against the provider's real API.
 */

export interface QrTicket {
  ticket: string;
  qrContent: string;
  expiresAt: string;
}

export interface QrRequest {
  /** Where the provider's callback must be routed: the workflow id. */
  reference: string;
  /** Idempotency key: the same request id returns the same ticket. */
  requestId: string;
  ttlSeconds: number;
}

/** A provider that hands out QR codes which stop working when revoked (a fresh one replaced it, or the process ended). */
export interface QrIssuer {
  revokeTicket(ticket: string): Promise<void>;
}

export interface WechatProvider extends QrIssuer {
  /** An authorisation QR: the user scans it in WeChat and authorises sharing the WeChat Pay real-name record. */
  createAuthorizationQr(request: QrRequest): Promise<QrTicket>;
  /** The Official Account platform's QR: the account's administrator authorises sharing its certification record. */
  createOfficialAccountQr(request: QrRequest): Promise<QrTicket>;
}

export interface QqProvider extends QrIssuer {
  /** Scanned with mobile QQ; a user without a linked bank card is sent to a bank-card page (its ticket comes in the callback). */
  createAuthorizationQr(request: QrRequest): Promise<QrTicket>;
}

export interface FaceProvider extends QrIssuer {
  /**
   * One liveness + comparison attempt: a mini-program QR. The provider compares
   * the face with the ID record of this person; each attempt has its own ticket.
   */
  createSession(request: QrRequest & { subject: { realName: string; idNumber: string } }): Promise<QrTicket>;
}


// ---------------------------------------------------------------- enterprise providers

export interface OcrReading {
  enterpriseName: string;
  creditCode: string;
  /** 0..1; a reading below 0.5 should not be trusted to pre-fill anything. */
  confidence: number;
}

export interface OcrProvider {
  /** Reads a business licence image (synchronous, no callback). */
  readBusinessLicense(image: { sha256: string; bytes: Buffer }): Promise<OcrReading>;
}

export interface RegistryRecord {
  /** The enterprise's unified social credit code, whichever code it was looked up by. */
  creditCode: string;
  name: string;
  legalRepresentative: { name: string; idNumber: string };
  /** e.g. 存续 / active, 注销 / deregistered */
  status: string;
  /** Registration numbers and organisation codes the enterprise was registered under before its credit code, where the registry lists them. */
  formerCodes?: string[];
}

export interface RegistryProvider {
  /**
   * The business registry's record of an enterprise, looked up by its credit
   * code or by a registration number / organisation code it maps to one; null
   * when it knows neither (a newly issued licence, an unmapped old code).
   */
  lookup(code: string): Promise<RegistryRecord | null>;
}

export interface PayoutRequest {
  /** Idempotency key: a retried payout with the same id never pays twice. */
  requestId: string;
  /** Where the bank's settlement callback is routed: the workflow id. */
  reference: string;
  toAccountNumber: string;
  toAccountName: string;
  amountFen: number;
}

export interface PayoutOrder {
  requestId: string;
  /** The bank's reference for this order, shown to the applicant while the money travels. */
  bankReference: string;
  status: 'pending' | 'settled' | 'refused';
}

export interface BankProvider {
  /**
   * Orders a payout from the platform's account; the answer carries the bank's own reference for the order (the same
   * for a retried request id). The bank reports later by callback: sent (the money left), then settled or refused.
   */
  payout(request: PayoutRequest): Promise<PayoutOrder>;
  /**
   * Sends an incoming transfer back to its sender, at most once per transfer. `refused`: the bank will never
   * send it (the sender's account no longer takes money); an outage throws instead, to be retried.
   */
  refund(request: { requestId: string; transferId: string }): Promise<{ status: 'refunded' | 'refused' }>;
  /**
   * Opens a virtual sub-account of the platform's collection account, dedicated to one verification: money sent
   * to it is reported with it as the destination. Numbers are digits only and never handed out twice. Idempotent
   * by requestId.
   */
  openCollectionAccount(request: { requestId: string; reference: string }): Promise<{ accountNumber: string }>;
}

export type NotificationChannel = 'email' | 'sms' | 'wechat';

export interface Notification {
  accountId: string;
  channel: NotificationChannel;
  /** The address on that channel (a mobile for SMS); stored masked. */
  recipient: string;
  title: string;
  body: string;
  /** One send per event even when the activity that sends it is retried. */
  dedupeKey: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

export interface FileStorage {
  /**
   * Stores one upload's bytes, sealed, under a key of its own (never shared with another upload, even of the same
   * bytes) and returns the key. Storing again under the same upload id (a retry) keeps what is stored.
   */
  put(uploadId: string, bytes: Buffer): Promise<string>;
  /** The bytes as uploaded, opened from their seal. */
  get(key: string): Promise<Buffer>;
  /** Deletes the file under the key (account closure); a key with no file left is done already. */
  delete(key: string): Promise<void>;
}

export interface Providers {
  wechat: WechatProvider;
  qq: QqProvider;
  face: FaceProvider;
  ocr: OcrProvider;
  registry: RegistryProvider;
  bank: BankProvider;
  notifier: Notifier;
}

/**
 * A provider could not be reached (or answered that it is unavailable). Retryable:
 * workflows retry the call until PROVIDER_CALL_TIMEOUT; a synchronous API call
 * answers 503 PROVIDER_UNAVAILABLE.
 */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(readonly provider: string) {
    super(`the ${provider} provider is unavailable`);
  }
}
