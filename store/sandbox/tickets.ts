import type { Db } from '../../platform/db';

/** QR tickets the sandbox providers issue (adapters/sandbox/tickets.ts): their own state, as a real provider keeps on its side. */

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

/** The ticket issued for the request: this one, or the one a first call issued (one per provider and request id). */
export async function issueTicket(db: Db, row: Omit<TicketRow, 'created_at' | 'used_at'>): Promise<TicketRow | undefined> {
  await db('sandbox_tickets').insert(row).onConflict(['provider', 'request_id']).ignore();
  return db<TicketRow>('sandbox_tickets').where({ provider: row.provider, request_id: row.request_id }).first();
}

export async function revokeTicket(db: Db, ticket: string): Promise<void> {
  await db('sandbox_tickets').where({ ticket, status: 'issued' }).update({ status: 'revoked' });
}

/** Marks an issued, unexpired ticket used; undefined when it is not one. */
export async function redeemTicket(db: Db, key: { ticket: string; provider: SandboxProvider; kind: TicketKind }): Promise<TicketRow | undefined> {
  const [row] = await db<TicketRow>('sandbox_tickets')
    .where({ ...key, status: 'issued' })
    .andWhere('expires_at', '>', db.fn.now())
    .update({ status: 'used', used_at: db.fn.now() })
    .returning('*');
  return row;
}

export const ticketOf = (db: Db, key: { ticket: string; provider: SandboxProvider; kind: TicketKind }): Promise<TicketRow | undefined> =>
  db<TicketRow>('sandbox_tickets').where(key).first();
