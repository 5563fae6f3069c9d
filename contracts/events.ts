import { z } from 'zod';
import { AccountSchema } from './account';
import { ChangeSchema } from './change';
import { ReviewDetail } from './review';
import { VerificationSchema } from './verification';

/**
 * The events an integrator's endpoint receives (API.md "Webhooks to clients"):
 * `{ id, type, createdAt, data: { object } }`, the object as GET shows it to
 * the service role (masked).
 */
export const EVENT_OBJECTS = {
  'verification.updated': { summary: 'A verification changed status or step', object: VerificationSchema },
  'change.updated': { summary: 'A change of subject changed status or step', object: ChangeSchema },
  'review.decided': { summary: 'A reviewer approved or rejected', object: ReviewDetail },
  'account.closed': { summary: "An account's closure completed: its personal data is erased", object: AccountSchema },
  'verification.reminder': { summary: 'A window of the user’s closes soon (SPEC §12): `data.deadline` is when', object: VerificationSchema },
  'change.reminder': { summary: 'A window of the user’s in a change closes soon (SPEC §12): `data.deadline` is when', object: ChangeSchema },
} as const;
export type EventType = keyof typeof EVENT_OBJECTS;

/** Reminders carry the window's deadline beside the object. */
const dataOf = (type: EventType) =>
  type.endsWith('.reminder')
    ? z.object({ object: EVENT_OBJECTS[type].object, deadline: z.iso.datetime().meta({ description: 'When the window closes' }) })
    : z.object({ object: EVENT_OBJECTS[type].object });

export const eventSchema = <T extends EventType>(type: T) =>
  z.object({ id: z.string().meta({ example: 'evt_…' }), type: z.literal(type), createdAt: z.iso.datetime(), data: dataOf(type) });
export type WebhookEvent = z.infer<ReturnType<typeof eventSchema<EventType>>>;
