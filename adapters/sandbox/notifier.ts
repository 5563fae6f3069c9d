import type { Knex } from 'knex';
import { maskMobile } from '../../domain/masking';
import { newId } from '../../platform/ids';
import type { Notification, Notifier } from '../types';

/** Sandbox email, SMS and WeChat: nothing leaves the machine; every send is recorded (listable under /sandbox/notifications). */
export class SandboxNotifier implements Notifier {
  constructor(private readonly db: Knex) {}

  async send(n: Notification): Promise<void> {
    await this.db('notifications')
      .insert({
        id: newId('ntf'),
        account_id: n.accountId,
        channel: n.channel,
        recipient: n.channel === 'sms' ? maskMobile(n.recipient) : n.recipient,
        title: n.title,
        body: n.body,
        dedupe_key: n.dedupeKey,
      })
      .onConflict('dedupe_key')
      .ignore();
  }

  async list(accountId: string) {
    return this.db('notifications').where({ account_id: accountId }).orderBy('created_at').select('channel', 'recipient', 'title', 'body', 'created_at');
  }
}
