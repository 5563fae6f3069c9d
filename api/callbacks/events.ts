import { z } from 'zod';
import { parseYuan } from '../../domain/money';
import type { CallbackProvider } from '../../platform/config';
import { WORKFLOW_REFERENCE_PATTERN, type ProviderEvent } from '../../workflows/messages';

/** What each provider sends, and each event as the workflow's signal carries it. */

const Reference = z.string().regex(WORKFLOW_REFERENCE_PATTERN, 'reference must be a workflow id this service handed out');
const Ticket = z.string().min(1).max(100);
const Base = { eventId: z.string().min(1).max(100), occurredAt: z.iso.datetime() };

const RealNameRecordSchema = z.object({
  realName: z.string().max(100),
  idNumber: z.string().max(40),
  idType: z.string().max(40),
  birthDate: z.string().max(10).nullable(),
  bankCardLinked: z.boolean(),
});

const AuthorizationScanned = z.object({ ...Base, reference: Reference, type: z.literal('authorization.scanned'), ticket: Ticket, record: RealNameRecordSchema });

/** The events each provider sends. A type not listed is refused (422) so a provider bug is visible, not swallowed. */
export const EVENT_SCHEMAS = {
  wechat: z.discriminatedUnion('type', [
    AuthorizationScanned,
    z.object({ ...Base, reference: Reference, type: z.literal('official_account.authorized'), ticket: Ticket, certified: z.boolean(), enterpriseName: z.string().max(200) }),
  ]),
  qq: z.discriminatedUnion('type', [
    // Set when the user has no linked card and was sent to the bank-card page.
    AuthorizationScanned.extend({ bankCardTicket: Ticket.nullable().optional() }),
    z.object({ ...Base, reference: Reference, type: z.literal('bank_card.linked'), ticket: Ticket }),
  ]),
  face: z.discriminatedUnion('type', [z.object({ ...Base, reference: Reference, type: z.literal('face.completed'), ticket: Ticket, passed: z.boolean() })]),
  bank: z.discriminatedUnion('type', [
    z.object({
      ...Base,
      type: z.literal('transfer.received'),
      transferId: z.string().min(1).max(100),
      fromAccountNumber: z.string().min(1).max(40),
      fromAccountName: z.string().max(200),
      toAccountNumber: z.string().min(1).max(40),
      amount: z.string().max(20).refine((v) => (parseYuan(v) ?? 0) > 0, 'a positive amount in yuan with at most two decimals'),
    }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.sent'), requestId: z.string().min(1).max(300) }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.settled'), requestId: z.string().min(1).max(300) }),
    z.object({ ...Base, reference: Reference, type: z.literal('payout.refused'), requestId: z.string().min(1).max(300), reason: z.string().max(500) }),
  ]),
} as const;

export type ParsedEvent = z.infer<(typeof EVENT_SCHEMAS)[CallbackProvider]>;

/** The callback as the workflow signal carries it (routing fields and account numbers stay behind). */
export function toSignal(provider: CallbackProvider, event: Exclude<ParsedEvent, { type: 'transfer.received' }>): ProviderEvent {
  const { eventId, occurredAt } = event;
  switch (event.type) {
    case 'authorization.scanned':
      return {
        eventId,
        occurredAt,
        ticket: event.ticket,
        provider: provider as 'wechat' | 'qq',
        type: event.type,
        record: event.record,
        ...('bankCardTicket' in event && event.bankCardTicket ? { bankCardTicket: event.bankCardTicket } : {}),
      };
    case 'official_account.authorized':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'wechat', type: event.type, certified: event.certified, enterpriseName: event.enterpriseName };
    case 'bank_card.linked':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'qq', type: event.type };
    case 'face.completed':
      return { eventId, occurredAt, ticket: event.ticket, provider: 'face', type: event.type, passed: event.passed };
    case 'payout.sent':
    case 'payout.settled':
      return { eventId, occurredAt, provider: 'bank', type: event.type, requestId: event.requestId };
    case 'payout.refused':
      return { eventId, occurredAt, provider: 'bank', type: event.type, requestId: event.requestId, reason: event.reason };
  }
}

/** A transfer as the recharge workflow's signal carries it: the amount, and whether it came from the account the enterprise confirmed. */
export const transferSignal = (event: Extract<ParsedEvent, { type: 'transfer.received' }>, fromConfirmedAccount: boolean): ProviderEvent => ({
  eventId: event.eventId,
  provider: 'bank',
  type: 'transfer.received',
  occurredAt: event.occurredAt,
  transferId: event.transferId,
  amountFen: parseYuan(event.amount)!,
  fromAccountName: event.fromAccountName,
  fromConfirmedAccount,
});
