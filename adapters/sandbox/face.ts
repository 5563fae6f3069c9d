import type { FaceProvider, QrRequest, QrTicket } from '../types';
import type { SandboxTicketStore } from './tickets';

export class SandboxFaceProvider implements FaceProvider {
  constructor(private readonly tickets: SandboxTicketStore) {}

  /** The sandbox decides pass/fail from /sandbox/face/results; it keeps no copy of the person's data. */
  createSession(request: QrRequest & { subject: { realName: string; idNumber: string } }): Promise<QrTicket> {
    return this.tickets.issueFor('face', 'face_session', request, (ticket) => `weixin://dl/business/?appid=sandbox-face&path=pages/liveness&ticket=${ticket}`);
  }

  revokeTicket(ticket: string): Promise<void> {
    return this.tickets.revoke(ticket);
  }
}
