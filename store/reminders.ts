import { MessageKind } from '../domain/constants';
import { reminderStillApplies, type ReminderAction } from '../domain/reminders';
import type { Db } from '../platform/db';
import { postToInbox, type MessageText } from './accounts';
import type { ProcessTable } from './processes';
import { sql, transaction } from './tx';
import { recordReminderEvent, type ProcessRecord } from './webhook-events';

/**
 * Reminders before a window of the user's closes (SPEC §12): the
 * message-centre entry and the webhook event of one reminder, written
 * together under the process row's lock, and only while the row still shows
 * the step and next action the reminder is about. Once per reminder key,
 * however often it is written.
 */

export interface ReminderRecord {
  table: ProcessTable;
  processId: string;
  step: string;
  action: ReminderAction;
  /** domain/reminders.ts reminderKey: the message's dedupe key and the event's id derive from it. */
  key: string;
  message: MessageText;
  /** When the window closes (ISO): the event's `data.deadline`. */
  deadline: string;
}

/** Records the reminder; null (nothing written) when the process is past its step. Answers the row, for the other channels. */
export async function recordReminder(db: Db, r: ReminderRecord): Promise<ProcessRecord | null> {
  return transaction(db, async (tx) => {
    const row = await sql(tx)(r.table).where({ id: r.processId }).forUpdate().first<(ProcessRecord & { status: string; step: string | null; next_action: { type?: string } | null }) | undefined>();
    if (!row) return null;
    if (!reminderStillApplies({ status: row.status, step: row.step, nextActionType: row.next_action?.type ?? null }, r)) return null;
    await postToInbox(tx, row.account_id, `${r.key}/message_centre`, { kind: MessageKind.reminder, ...r.message });
    await recordReminderEvent(tx, r.table, row, r.key, r.deadline);
    return row;
  });
}
