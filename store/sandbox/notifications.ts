import type { Db } from '../../platform/db';

/** What the sandbox notifier "sent" (adapters/sandbox/notifier.ts): every email, SMS and WeChat message, once per dedupe key. */

export interface NotificationRow {
  id: string;
  account_id: string;
  channel: string;
  /** An SMS's mobile number masked. */
  recipient: string;
  title: string;
  body: string;
  dedupe_key: string;
  created_at: Date;
}

export async function recordNotification(db: Db, n: Omit<NotificationRow, 'created_at'>): Promise<void> {
  await db('notifications').insert(n).onConflict('dedupe_key').ignore();
}

/** The account's notifications, oldest first. */
export const notificationsOf = (db: Db, accountId: string) =>
  db('notifications').where({ account_id: accountId }).orderBy('created_at').select('channel', 'recipient', 'title', 'body', 'created_at');
