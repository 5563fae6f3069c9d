import type { QrRequest, QrTicket, WechatProvider } from '../types';
import type { SandboxTicketStore } from './tickets';

export class SandboxWechatProvider implements WechatProvider {
  constructor(private readonly tickets: SandboxTicketStore) {}

  createAuthorizationQr(request: QrRequest): Promise<QrTicket> {
    return this.tickets.issueFor('wechat', 'authorization', request, (ticket) => `weixin://sandbox/realname/authorize?ticket=${ticket}`);
  }

  createOfficialAccountQr(request: QrRequest): Promise<QrTicket> {
    return this.tickets.issueFor('wechat', 'official_account', request, (ticket) => `https://mp.weixin.qq.com/sandbox/realname/authorize?ticket=${ticket}`);
  }

  revokeTicket(ticket: string): Promise<void> {
    return this.tickets.revoke(ticket);
  }
}
