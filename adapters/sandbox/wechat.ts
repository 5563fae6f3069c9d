import type { QrRequest, QrTicket, WechatProvider } from '../types';
import type { SandboxTicketStore } from './tickets';

export class SandboxWechatProvider implements WechatProvider {
  constructor(private readonly tickets: SandboxTicketStore) {}

  createAuthorizationQr(request: QrRequest): Promise<QrTicket> {
    return this.tickets.issue({
      provider: 'wechat',
      kind: 'authorization',
      reference: request.reference,
      requestId: request.requestId,
      ttlSeconds: request.ttlSeconds,
      qrContent: (ticket) => `weixin://sandbox/realname/authorize?ticket=${ticket}`,
    });
  }

  createOfficialAccountQr(request: QrRequest): Promise<QrTicket> {
    return this.tickets.issue({
      provider: 'wechat',
      kind: 'official_account',
      reference: request.reference,
      requestId: request.requestId,
      ttlSeconds: request.ttlSeconds,
      qrContent: (ticket) => `https://mp.weixin.qq.com/sandbox/realname/authorize?ticket=${ticket}`,
    });
  }

  revokeTicket(ticket: string): Promise<void> {
    return this.tickets.revoke(ticket);
  }
}
