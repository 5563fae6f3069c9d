import { z } from 'zod';
import { IndividualSubject } from './verification';
import { datetime } from './common';
import { CHANGE_TYPES } from '../domain/change-rules';
import { MESSAGE_KINDS } from '../domain/constants';

/** An account as GET /v1/accounts/{accountId} shows it, and its message centre (API.md "Accounts"). */

export const AccountSchema = z
  .object({
    id: z.string(),
    verification: z.object({
      status: z.enum(['unverified', 'verified']),
      subjectType: z.enum(['individual', 'enterprise']).nullable(),
      subject: z.union([IndividualSubject, z.looseObject({ name: z.string() })]).nullable(),
      method: z.string().nullable(),
      verifiedAt: z.iso.datetime().nullable(),
    }),
    changeAllowedFrom: z.iso.datetime().nullable().meta({ description: 'The earliest allowedFrom of changeOptions' }),
    changeOptions: z
      .array(
        z.object({
          type: z.enum(CHANGE_TYPES),
          fits: z.boolean(),
          reason: z.string().optional().meta({ description: 'Why the change does not fit the account' }),
          allowedFrom: z.iso.datetime().nullable().meta({ description: 'From when it is possible (SPEC §5 cooling-off); null when it does not fit' }),
        }),
      )
      .meta({ description: 'Each change type (SPEC §12): whether it fits the account, why not, and from when' }),
    capabilities: z.object({ vatSpecialInvoice: z.boolean(), enterpriseActivities: z.boolean() }),
    openProcess: z.object({ kind: z.enum(['verification', 'change']), id: z.string() }).nullable(),
    balance: z.string().meta({ example: '0.00' }),
    closed: z.boolean().meta({ description: 'The account was closed (SPEC §11): its personal data erased, no new process' }),
  })
  .meta({ id: 'Account' });

/** An account's closure (POST/GET /v1/accounts/{accountId}/closure). */
export const ClosureSchema = z
  .object({
    id: z.string().meta({ example: 'clo_…' }),
    accountId: z.string(),
    status: z.enum(['pending', 'completed']),
    requestedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AccountClosure' });
export type Closure = z.infer<typeof ClosureSchema>;

export const InboxMessageSchema = z
  .object({
    id: z.string(),
    kind: z.enum(MESSAGE_KINDS).meta({ description: '`result`: an outcome or a review result; `reminder`: a deadline is near (SPEC §12); `notice`: anything else' }),
    title: z.string(),
    body: z.string(),
    createdAt: z.iso.datetime(),
    read: z.boolean(),
  })
  .meta({ id: 'Message' });
export type Account = z.infer<typeof AccountSchema>;
export type Message = z.infer<typeof InboxMessageSchema>;

/** One process's personal data, as the right of access shows it (SPEC §11). */
const HeldProcessSchema = z
  .object({
    kind: z.enum(['verification', 'change', 'lookup']),
    id: z.string(),
    type: z.string().meta({ description: 'The verification method, the change type, or the subject type a lookup looked for' }),
    status: z.string(),
    createdAt: datetime,
    completedAt: datetime.nullable(),
    source: z.string().meta({ description: 'Where the data came from' }),
    personalData: z.record(z.string(), z.unknown()).meta({ description: 'What is held: masked except to admins; `[erased]` where it was erased' }),
    erased: z.boolean(),
    keptUntil: datetime.nullable().meta({ description: 'When it is erased unless the account closes first; null: while the process runs or the account stays verified with it' }),
    retention: z.string().meta({ description: 'The rule that keeps it (SPEC §11)' }),
  })
  .meta({ id: 'HeldProcess' });

/** GET /v1/accounts/{accountId}/personal-data: everything held about the account's subjects (SPEC §11, right of access). */
export const PersonalDataSchema = z
  .object({
    accountId: z.string(),
    closed: z.boolean(),
    generatedAt: datetime,
    processes: z.array(HeldProcessSchema),
    uploads: z.array(
      z.object({ id: z.string(), purpose: z.string(), contentType: z.string(), size: z.number().int(), createdAt: datetime, erased: z.boolean(), retention: z.string() }),
    ),
  })
  .meta({ id: 'PersonalData' });
export type PersonalData = z.infer<typeof PersonalDataSchema>;
