import { log } from '@temporalio/activity';
import type { Providers } from '../adapters/types';
import { reminderKey } from '../domain/reminders';
import type { PiiCipher } from '../platform/crypto';
import type { ProcessKeys } from '../platform/data-keys';
import type { Db } from '../platform/db';
import { recordReminder } from '../store/reminders';
import type { ProcessRecord } from '../store/webhook-events';
import type { ReminderRequest } from '../workflows/process-messages';
import { openEither } from './identity';
import { reminderNotice } from './reminder-texts';

export interface ReminderActivityDeps {
  db: Db;
  cipher: PiiCipher;
  keys: ProcessKeys;
  providers: Pick<Providers, 'notifier'>;
}

/**
 * Reminders before a window of the user's closes (SPEC §12): the message
 * centre and the webhook event first (one transaction), then SMS and email.
 * Idempotent by the reminder's key (process, window, offset): a retry, a
 * replay or a second worker sends each channel once. A step the read model
 * shows over sends nothing, so a retry that outlives its step stays silent.
 */
export function createReminderActivities(deps: ReminderActivityDeps) {
  const { db, providers } = deps;

  /** An enterprise verification's contact mobile (sealed in its application); otherwise the account's registered contacts. */
  async function smsRecipient(row: ProcessRecord): Promise<string> {
    const sealed = row.pii_enc as string | null | undefined;
    if (!sealed) return `account:${row.account_id}`;
    const fields = JSON.parse(await openEither(sealed, deps)) as { contact?: { mobile?: string } };
    return fields.contact?.mobile ?? `account:${row.account_id}`;
  }

  return {
    async sendReminder(args: ReminderRequest): Promise<{ sent: boolean }> {
      const key = reminderKey(args);
      const message = reminderNotice(args.action, args.process, new Date(args.deadline));
      const table = args.process === 'change' ? 'changes' : 'verifications';
      const row = await recordReminder(db, { table, processId: args.processId, step: args.step, action: args.action, key, message, deadline: args.deadline });
      if (!row) {
        log.info('reminder not sent: its step is over', { processId: args.processId, window: args.window });
        return { sent: false };
      }
      const recipients = { email: `account:${row.account_id}`, sms: await smsRecipient(row) };
      for (const channel of ['email', 'sms'] as const) {
        await providers.notifier.send({ accountId: row.account_id, channel, recipient: recipients[channel], ...message, dedupeKey: `${key}/${channel}` });
      }
      log.info('reminder sent', { processId: args.processId, window: args.window, offsetMs: args.offsetMs });
      return { sent: true };
    },
  };
}
