import { appError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { issueTicket, redeemTicket, revokeTicket, ticketOf, type SandboxProvider, type TicketKind, type TicketRow } from '../../store/sandbox/tickets';
import type { QrRequest, QrTicket } from '../types';

const PREFIX = { wechat: 'wxt', qq: 'qqt', face: 'fct' } as const;

const toTicket = (row: TicketRow): QrTicket => ({
  ticket: row.ticket,
  qrContent: row.qr_content,
  expiresAt: new Date(row.expires_at).toISOString(),
});

/** Tickets the sandbox providers issue: their own state, as a real provider keeps on its side. */
export class SandboxTicketStore {
  constructor(private readonly db: Db) {}

  /** Idempotent by (provider, requestId): a retried create returns the ticket the first call issued. */
  async issue(args: {
    provider: SandboxProvider;
    kind: TicketKind;
    reference: string;
    requestId: string;
    ttlSeconds: number;
    qrContent: (ticket: string) => string;
  }): Promise<QrTicket> {
    const ticket = newId(PREFIX[args.provider]);
    const row = await issueTicket(this.db, {
      ticket,
      provider: args.provider,
      kind: args.kind,
      reference: args.reference,
      request_id: args.requestId,
      qr_content: args.qrContent(ticket),
      status: 'issued',
      expires_at: new Date(Date.now() + args.ttlSeconds * 1000),
    });
    if (!row) throw new Error('sandbox ticket vanished after insert');
    return toTicket(row);
  }

  /** A provider's QR for a service request: what each sandbox provider's create call does. */
  issueFor(provider: SandboxProvider, kind: TicketKind, request: QrRequest, qrContent: (ticket: string) => string): Promise<QrTicket> {
    return this.issue({ provider, kind, reference: request.reference, requestId: request.requestId, ttlSeconds: request.ttlSeconds, qrContent });
  }

  async revoke(ticket: string): Promise<void> {
    await revokeTicket(this.db, ticket);
  }

  /** Marks a ticket used, once; refuses unknown, expired, revoked and already used tickets. */
  async redeem(provider: SandboxProvider, kind: TicketKind, ticket: string): Promise<TicketRow> {
    const row = await redeemTicket(this.db, { ticket, provider, kind });
    if (row) return row;
    const existing = await ticketOf(this.db, { ticket, provider, kind });
    if (!existing) throw appError('NOT_FOUND', `no ${provider} ticket ${ticket}`);
    if (existing.status === 'used') throw appError('TICKET_ALREADY_USED', 'this ticket was already used');
    if (existing.status === 'revoked') throw appError('TICKET_REVOKED', 'this ticket was replaced by a fresh QR code or its process ended');
    throw appError('TICKET_EXPIRED', 'this QR code has expired');
  }
}
