import type { Knex } from 'knex';
import { appError } from '../../domain/errors';
import { newId } from '../../platform/ids';
import type { QrRequest, QrTicket } from '../types';

export type SandboxProvider = 'wechat' | 'qq' | 'face';
export type TicketKind = 'authorization' | 'official_account' | 'face_session' | 'bank_card_link';

export interface TicketRow {
  ticket: string;
  provider: SandboxProvider;
  kind: TicketKind;
  reference: string;
  request_id: string;
  qr_content: string;
  status: 'issued' | 'used' | 'revoked';
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

const PREFIX = { wechat: 'wxt', qq: 'qqt', face: 'fct' } as const;

const toTicket = (row: TicketRow): QrTicket => ({
  ticket: row.ticket,
  qrContent: row.qr_content,
  expiresAt: new Date(row.expires_at).toISOString(),
});

/** Tickets the sandbox providers issue: their own state, as a real provider keeps on its side. */
export class SandboxTicketStore {
  constructor(private readonly db: Knex) {}

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
    await this.db('sandbox_tickets')
      .insert({
        ticket,
        provider: args.provider,
        kind: args.kind,
        reference: args.reference,
        request_id: args.requestId,
        qr_content: args.qrContent(ticket),
        status: 'issued',
        expires_at: new Date(Date.now() + args.ttlSeconds * 1000),
      })
      .onConflict(['provider', 'request_id'])
      .ignore();
    const row = await this.db<TicketRow>('sandbox_tickets')
      .where({ provider: args.provider, request_id: args.requestId })
      .first();
    if (!row) throw new Error('sandbox ticket vanished after insert');
    return toTicket(row);
  }

  /** A provider's QR for a service request: what each sandbox provider's create call does. */
  issueFor(provider: SandboxProvider, kind: TicketKind, request: QrRequest, qrContent: (ticket: string) => string): Promise<QrTicket> {
    return this.issue({ provider, kind, reference: request.reference, requestId: request.requestId, ttlSeconds: request.ttlSeconds, qrContent });
  }

  async revoke(ticket: string): Promise<void> {
    await this.db('sandbox_tickets').where({ ticket, status: 'issued' }).update({ status: 'revoked' });
  }

  /** Marks a ticket used, once; refuses unknown, expired, revoked and already used tickets. */
  async redeem(provider: SandboxProvider, kind: TicketKind, ticket: string): Promise<TicketRow> {
    const [row] = await this.db<TicketRow>('sandbox_tickets')
      .where({ ticket, provider, kind, status: 'issued' })
      .andWhere('expires_at', '>', this.db.fn.now())
      .update({ status: 'used', used_at: this.db.fn.now() })
      .returning('*');
    if (row) return row;
    const existing = await this.db<TicketRow>('sandbox_tickets').where({ ticket, provider, kind }).first();
    if (!existing) throw appError('NOT_FOUND', `no ${provider} ticket ${ticket}`);
    if (existing.status === 'used') throw appError('TICKET_ALREADY_USED', 'this ticket was already used');
    if (existing.status === 'revoked') throw appError('TICKET_REVOKED', 'this ticket was replaced by a fresh QR code or its process ended');
    throw appError('TICKET_EXPIRED', 'this QR code has expired');
  }
}
