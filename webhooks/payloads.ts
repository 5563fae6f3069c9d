import type { ChangeRow } from '../store/changes';
import type { CalendarOverrides } from '../domain/business-days';
import type { ProcessKeys, SealedReader } from '../platform/data-keys';
import { openAllWith, sealedProcessIds } from '../domain/sealed-value';
import { REMINDER_DEADLINE, type WebhookEventRow } from '../store/webhook-events';
import type { NextAction } from '../workflows/messages';
import { newSubjectVerificationId } from '../platform/ids';
import { reviewView } from '../views/review';
import { changeView } from '../views/change';
import { verificationView } from '../views/verification';

/**
 * A webhook event's body: `{ id, type, createdAt, data: { object } }`, the
 * object rendered from the event's snapshot by the same views GET uses, as the
 * service role sees it (personal data masked); a reminder's data also carries
 * the window's `deadline`.
 */

export interface WebhookRenderDeps {
  calendar: CalendarOverrides;
  /** Links in a review (its materials' content). */
  publicBaseUrl: string;
  /** Review kinds that need two approvals (REVIEW_TWO_PERSON_KINDS); absent: the default. */
  twoPersonKinds?: readonly string[];
  now?: () => Date;
}

/**
 * The views open people's names; here they stay sealed, so the rendered body that travels through the delivery's
 * Temporal history holds none in clear: the delivery opens them as it sends (activities/webhooks.ts), `[erased]` after
 * an erasure. Nothing else is opened (the service role sees personal data masked).
 */
const NAMES_STAY_SEALED: SealedReader = { decrypt: (sealed) => sealed };

type ChangeSnapshot = ChangeRow & { newSubjectNextAction?: NextAction | null };

/** While a change verifies its new subject, GET names that verification and shows its next action. */
function changeObject(snapshot: ChangeSnapshot) {
  const { newSubjectNextAction, ...row } = snapshot;
  if (newSubjectNextAction === undefined) return changeView(row);
  return changeView({ ...row, verification_id: row.verification_id ?? newSubjectVerificationId(row.id) }, { next_action: newSubjectNextAction });
}

export function webhookObject(event: Pick<WebhookEventRow, 'type' | 'snapshot'>, deps: WebhookRenderDeps): unknown {
  // The row of the event's table as that change left it (read back from JSON: the views take its ISO timestamps alike).
  const snapshot = event.snapshot as never;
  switch (event.type) {
    case 'verification.updated':
    case 'verification.reminder':
      return verificationView(snapshot, { revealPii: false, cipher: NAMES_STAY_SEALED, calendar: deps.calendar });
    case 'change.updated':
    case 'change.reminder':
      return changeObject(snapshot);
    case 'review.decided':
      return reviewView(snapshot, { revealPii: false, cipher: NAMES_STAY_SEALED, publicBaseUrl: deps.publicBaseUrl, now: deps.now?.() ?? new Date(), ...(deps.twoPersonKinds ? { twoPersonKinds: deps.twoPersonKinds } : {}) });
    case 'account.closed':
      // Recorded as the account view itself (store/closures.ts).
      return event.snapshot;
  }
}

/** The exact bytes every endpoint receives for this event (and signs over): rendered once, sent as is on every attempt. */
export function webhookEventBody(event: Pick<WebhookEventRow, 'id' | 'type' | 'snapshot' | 'created_at'>, deps: WebhookRenderDeps): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: new Date(event.created_at).toISOString(),
    data: { object: webhookObject(event, deps), ...reminderData(event) },
  });
}

/** A reminder's deadline, kept in its snapshot beside the row (store/webhook-events.ts recordReminderEvent). */
function reminderData(event: Pick<WebhookEventRow, 'type' | 'snapshot'>): { deadline?: string } {
  if (!event.type.endsWith('.reminder')) return {};
  return { deadline: String(event.snapshot[REMINDER_DEADLINE]) };
}

/**
 * The body as the endpoint receives it (and the event log lists it): people's names travel sealed through the
 * delivery's history and are opened only now (`[erased]` once their process's key is destroyed). A body without
 * sealed values is sent byte for byte.
 */
export async function openedBody(keys: ProcessKeys, body: string): Promise<string> {
  const parsed: unknown = JSON.parse(body);
  if (sealedProcessIds(parsed).size === 0) return body;
  const reader = await keys.readerFor(parsed);
  return JSON.stringify(openAllWith(parsed, (sealed) => reader.decrypt(sealed)));
}
