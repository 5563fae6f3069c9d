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

export interface WechatProvider {
  /** An authorisation QR: the user scans it in WeChat and authorises sharing the WeChat Pay real-name record. */
  createAuthorizationQr(request: QrRequest): Promise<QrTicket>;
  /** Stop a ticket from being scanned (a fresh QR replaced it, or the process ended). */
  revokeTicket(ticket: string): Promise<void>;
}

export interface Providers {
  wechat: WechatProvider;
}
