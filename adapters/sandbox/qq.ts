import type { QqProvider, QrRequest, QrTicket } from '../types';
import type { SandboxTicketStore } from './tickets';

export class SandboxQqProvider implements QqProvider {
  constructor(private readonly tickets: SandboxTicketStore) {}

  createAuthorizationQr(request: QrRequest): Promise<QrTicket> {
    return this.tickets.issueFor('qq', 'authorization', request, (ticket) => `mqqapi://sandbox/realname/authorize?ticket=${ticket}`);
  }

  revokeTicket(ticket: string): Promise<void> {
    return this.tickets.revoke(ticket);
  }
}
