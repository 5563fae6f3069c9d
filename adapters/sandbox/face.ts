import type { FaceProvider, QrRequest, QrTicket } from '../types';
import type { SandboxTicketStore } from './tickets';

export class SandboxFaceProvider implements FaceProvider {
  constructor(private readonly tickets: SandboxTicketStore) {}

  /** The sandbox decides pass/fail from /sandbox/face/results; it keeps no copy of the person's data. */
  createSession(request: QrRequest & { subject: { realName: string; idNumber: string } }): Promise<QrTicket> {
    return this.tickets.issue({
      provider: 'face',
      kind: 'face_session',
      reference: request.reference,
      requestId: request.requestId,
      ttlSeconds: request.ttlSeconds,
      qrContent: (ticket) => `weixin://dl/business/?appid=sandbox-face&path=pages/liveness&ticket=${ticket}`,
    });
  }

  revokeTicket(ticket: string): Promise<void> {
    return this.tickets.revoke(ticket);
  }
}
