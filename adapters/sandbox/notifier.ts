import { maskMobile } from '../../domain/masking';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { notificationsOf, recordNotification } from '../../store/sandbox/notifications';
import type { Notification, Notifier } from '../types';

/** Sandbox email, SMS and WeChat: nothing leaves the machine; every send is recorded (listable under /sandbox/notifications). */
export class SandboxNotifier implements Notifier {
  constructor(private readonly db: Db) {}

  async send(n: Notification): Promise<void> {
    await recordNotification(this.db, {
      id: newId('ntf'),
      account_id: n.accountId,
      channel: n.channel,
      recipient: n.channel === 'sms' ? maskMobile(n.recipient) : n.recipient,
      title: n.title,
      body: n.body,
      dedupe_key: n.dedupeKey,
    });
  }

  async list(accountId: string) {
    return notificationsOf(this.db, accountId);
  }
}
