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

export interface Providers {
  wechat: WechatProvider;
  qq: QqProvider;
  face: FaceProvider;
}
