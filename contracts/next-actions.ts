import { z } from 'zod';

/**
 * What a process asks of its user next (API.md "Verifications", "Changes of
 * subject"): one definition, from which the API validates and documents and
 * whose inferred types the workflows build (`import type`).
 */

const datetime = z.iso.datetime();

export const QrProviderSchema = z.enum(['wechat', 'qq', 'face']);
export type QrProvider = z.infer<typeof QrProviderSchema>;
export const QrPurposeSchema = z.enum(['official_account', 'legal_person', 'handler', 'holder', 'new_person']);
export type QrPurpose = z.infer<typeof QrPurposeSchema>;

/** A QR code to scan: a verification's, a change's person step, a lookup's face check or WeChat authorisation. */
export const ScanQrSchema = z.object({
  type: z.literal('scan_qr'),
  provider: QrProviderSchema,
  ticket: z.string(),
  qrContent: z.string(),
  expiresAt: datetime,
  expired: z.boolean().meta({ description: 'The QR can no longer be scanned: ask for a fresh one (POST …/qr) while refreshesLeft > 0.' }),
  refreshesLeft: z.number().int(),
  attemptsLeft: z.number().int().optional().meta({ description: 'Face recognition: attempts left, this one included' }),
  purpose: QrPurposeSchema.optional().meta({
    description: 'Whose QR it is when not the applicant’s own: the official account’s administrator, the legal person, the handler; in a change the holder or the new person',
  }),
});

export type ScanQrAction = z.infer<typeof ScanQrSchema>;

const Remit = z.object({
  type: z.literal('remit'),
  amount: z.string().meta({ example: '0.37' }),
  payee: z
    .object({ accountName: z.string(), accountNumber: z.string().meta({ description: 'A collection account dedicated to this verification, never reused: digits only' }), bankName: z.string() })
    .meta({ description: 'Where to send it: the platform’s collection account opened for this verification alone' }),
  deadline: datetime,
  attemptsLeft: z.number().int().meta({ description: 'Wrong transfers from the confirmed account still allowed before the verification fails' }),
});

export const PayoutViewSchema = z
  .object({
    reference: z.string().nullable().meta({ description: 'The bank’s reference for the order; null for the moment between the approval and the bank’s answer to the order.' }),
    state: z.enum(['ordered', 'sent', 'settled', 'returned']),
    orderedAt: datetime,
    confirmBy: datetime.meta({
      description: 'PAYOUT_SETTLEMENT_TIMEOUT after the order: without a settlement or refusal notice by then the verification ends failed PAYOUT_NOT_CONFIRMED and the account is free.',
    }),
  })
  .meta({ id: 'Payout' });
export type PayoutView = z.infer<typeof PayoutViewSchema>;

const AwaitReview = z.object({ type: z.literal('await_review'), reviewId: z.string(), dueAt: datetime });
const VERIFICATION_ACTIONS = [
  ScanQrSchema,
  z.object({ type: z.literal('link_bank_card'), ticket: z.string() }),
  Remit,
  AwaitReview,
  z.object({ type: z.literal('resubmit_materials'), reviewId: z.string(), reason: z.string(), deadline: datetime }),
  z.object({
    type: z.literal('await_payout'),
    expectedBy: datetime,
    payout: PayoutViewSchema.optional().meta({ description: 'The payout as it travels; absent only on verifications started before it was tracked.' }),
  }),
  z.object({ type: z.literal('enter_amount'), attemptsLeft: z.number().int(), deadline: datetime }),
] as const;

export const NextActionSchema = z.discriminatedUnion('type', VERIFICATION_ACTIONS).meta({ id: 'NextAction' });
export type NextAction = z.infer<typeof NextActionSchema>;

/** A change's: a verification's (its QR steps; while verifying_new_subject, that verification's), materials, the new subject. */
export const ChangeNextActionSchema = z
  .discriminatedUnion('type', [
    ...VERIFICATION_ACTIONS,
    z.object({ type: z.literal('submit_materials'), required: z.array(z.string()) }),
    z.object({ type: z.literal('submit_new_subject') }),
  ])
  .meta({ id: 'ChangeNextAction', description: 'While verifying_new_subject: the next action of that verification' });
export type ChangeNextAction = z.infer<typeof ChangeNextActionSchema>;
