import { z } from 'zod';
import type { DeliveryResult, SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import type { SandboxTicketStore } from '../../adapters/sandbox/tickets';
import { classifyIndividualId } from '../../domain/id-number';
import { newId } from '../../platform/ids';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { waitUntilActedOn, type ProcessedWatch } from './processed';


const QqScan = z
  .object({
    ticket: z.string().min(1).max(100),
    realName: z.string().trim().min(1).max(100),
    idNumber: z.string().trim().min(1).max(40),
    bankCardLinked: z.boolean(),
  })
  .meta({ id: 'SandboxQqScan' });

const TicketOnly = z.object({ ticket: z.string().min(1).max(100) }).meta({ id: 'SandboxTicket' });

const FaceResult = z
  .object({ ticket: z.string().min(1).max(100), passed: z.boolean().meta({ description: 'Liveness and comparison with the ID record passed' }) })
  .meta({ id: 'SandboxFaceResult' });

/** The sandbox's WeChat record for a permit holder whose scan names no birth date: an adult. */
const SANDBOX_PERMIT_BIRTH_DATE = '1990-01-01';

const WechatScan = z
  .object({
    ticket: z.string().min(1).max(100),
    realName: z.string().trim().min(1).max(100),
    idNumber: z.string().trim().min(1).max(40),
    idType: z.string().trim().min(1).max(40).default('mainland_id'),
    birthDate: z.iso
      .date()
      .optional()
      .meta({ description: `The birth date in WeChat's record. Mainland IDs: read from the number. Permit holders: ${SANDBOX_PERMIT_BIRTH_DATE} (an adult) when omitted.` }),
    bankCardLinked: z.boolean(),
  })
  .meta({ id: 'SandboxWechatScan' });

/** The sandbox's answer: the callback's delivery, and whether the process has acted on it yet (api/sandbox/processed.ts). */
export async function sandboxAnswer(watch: ProcessedWatch, eventId: string, reference: string | null | undefined, delivery: DeliveryResult) {
  const processed = delivery.delivered && reference ? await waitUntilActedOn(watch, eventId, reference, 5000) : false;
  return { status: 202, body: { eventId, delivered: delivery.delivered, callbackStatus: delivery.status, processed } };
}

export const SandboxDelivery = z
  .object({
    eventId: z.string(),
    delivered: z.boolean().meta({ description: 'The callback was acknowledged by the service; otherwise it is retried in the background' }),
    callbackStatus: z.number().int().nullable(),
    processed: z.boolean().meta({
      description:
        'The process has acted on the event, so a GET now shows the outcome. The sandbox waits up to 5 s for this; real callbacks are asynchronous.',
    }),
  })
  .meta({ id: 'SandboxDelivery' });

/**
 * The outside world, for people and tests: each call plays the user's side at a
 * provider, and the sandbox provider answers the service through its signed
 * callback, as the real one would.
 */
export function sandboxRoutes(
  deps: RouteDeps,
  sandbox: { tickets: SandboxTicketStore; outbox: SandboxCallbackOutbox; processed: ProcessedWatch },
): void {
  const answer = (eventId: string, reference: string | null | undefined, delivery: DeliveryResult) => sandboxAnswer(sandbox.processed, eventId, reference, delivery);

  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/wechat/scans',
    summary: 'Sandbox: the user scans a WeChat authorisation QR and authorises',
    description: "Sends WeChat's callback with the WeChat Pay real-name record given here.",
    tags: ['sandbox'],
    auth: 'public',
    body: WechatScan,
    responses: { 202: { description: 'Scanned; the callback was sent', schema: SandboxDelivery } },
    handler: async ({ body }) => {
      // A record of a mainland ID carries the birth date in the number itself.
      const id = classifyIndividualId(body.idType, body.idNumber);
      const fromNumber = id.kind === 'valid' ? id.birthDate : undefined;
      const birthDate = body.birthDate ?? fromNumber ?? (body.idType === 'mainland_id' ? undefined : SANDBOX_PERMIT_BIRTH_DATE);
      const ticket = await sandbox.tickets.redeem('wechat', 'authorization', body.ticket);
      const eventId = newId('evt');
      const delivery = await sandbox.outbox.emit('wechat', {
        eventId,
        type: 'authorization.scanned',
        occurredAt: new Date().toISOString(),
        reference: ticket.reference,
        ticket: ticket.ticket,
        record: {
          realName: body.realName,
          idNumber: body.idNumber,
          idType: body.idType,
          birthDate: birthDate ?? null,
          bankCardLinked: body.bankCardLinked,
        },
      });
      return answer(eventId, ticket.reference, delivery);
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/qq/scans',
    summary: 'Sandbox: the user scans a QQ QR with mobile QQ and confirms',
    description: "Sends QQ's callback with the real-name record. Without a linked bank card the user is sent to QQ's bank-card page: the callback carries that page's ticket (the verification's link_bank_card action).",
    tags: ['sandbox'],
    auth: 'public',
    body: QqScan,
    responses: { 202: { description: 'Scanned; the callback was sent', schema: SandboxDelivery } },
    handler: async ({ body }) => {
      const id = classifyIndividualId('mainland_id', body.idNumber);
      const ticket = await sandbox.tickets.redeem('qq', 'authorization', body.ticket);
      const bankCard = body.bankCardLinked
        ? null
        : await sandbox.tickets.issue({
            provider: 'qq',
            kind: 'bank_card_link',
            reference: ticket.reference,
            requestId: `${ticket.ticket}/bank-card`,
            ttlSeconds: 24 * 3600,
            qrContent: (t) => `mqqapi://sandbox/wallet/bind-card?ticket=${t}`,
          });
      const eventId = newId('evt');
      const delivery = await sandbox.outbox.emit('qq', {
        eventId,
        type: 'authorization.scanned',
        occurredAt: new Date().toISOString(),
        reference: ticket.reference,
        ticket: ticket.ticket,
        bankCardTicket: bankCard?.ticket ?? null,
        record: {
          realName: body.realName,
          idNumber: body.idNumber,
          idType: 'mainland_id',
          birthDate: id.kind === 'valid' ? (id.birthDate ?? null) : null,
          bankCardLinked: body.bankCardLinked,
        },
      });
      return answer(eventId, ticket.reference, delivery);
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/qq/bank-card-links',
    summary: "Sandbox: the user links a bank card on QQ's bank-card page",
    tags: ['sandbox'],
    auth: 'public',
    body: TicketOnly,
    responses: { 202: { description: 'Linked; the callback was sent', schema: SandboxDelivery } },
    handler: async ({ body }) => {
      const ticket = await sandbox.tickets.redeem('qq', 'bank_card_link', body.ticket);
      const eventId = newId('evt');
      const delivery = await sandbox.outbox.emit('qq', {
        eventId,
        type: 'bank_card.linked',
        occurredAt: new Date().toISOString(),
        reference: ticket.reference,
        ticket: ticket.ticket,
      });
      return answer(eventId, ticket.reference, delivery);
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/face/results',
    summary: 'Sandbox: the user does liveness + face comparison in the mini-program',
    description: 'Each attempt has its own ticket (the current scan_qr action of provider face); a failed attempt leads to a new ticket.',
    tags: ['sandbox'],
    auth: 'public',
    body: FaceResult,
    responses: { 202: { description: 'Done; the callback was sent', schema: SandboxDelivery } },
    handler: async ({ body }) => {
      const ticket = await sandbox.tickets.redeem('face', 'face_session', body.ticket);
      const eventId = newId('evt');
      const delivery = await sandbox.outbox.emit('face', {
        eventId,
        type: 'face.completed',
        occurredAt: new Date().toISOString(),
        reference: ticket.reference,
        ticket: ticket.ticket,
        passed: body.passed,
      });
      return answer(eventId, ticket.reference, delivery);
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/wechat/official-account-scans',
    summary: "Sandbox: an official account's administrator scans the platform QR and authorises",
    description: "Sends WeChat's callback with the official account's certification record (certified or not, and under which name).",
    tags: ['sandbox'],
    auth: 'public',
    body: z
      .object({ ticket: z.string().min(1).max(100), certified: z.boolean(), enterpriseName: z.string().trim().min(1).max(200) })
      .meta({ id: 'SandboxOfficialAccountScan' }),
    responses: { 202: { description: 'Authorised; the callback was sent', schema: SandboxDelivery } },
    handler: async ({ body }) => {
      const ticket = await sandbox.tickets.redeem('wechat', 'official_account', body.ticket);
      const eventId = newId('evt');
      const delivery = await sandbox.outbox.emit('wechat', {
        eventId,
        type: 'official_account.authorized',
        occurredAt: new Date().toISOString(),
        reference: ticket.reference,
        ticket: ticket.ticket,
        certified: body.certified,
        enterpriseName: body.enterpriseName,
      });
      return answer(eventId, ticket.reference, delivery);
    },
  });
}
