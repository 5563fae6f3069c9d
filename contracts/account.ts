import { z } from 'zod';
import { IndividualSubject } from './verification';

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
    changeAllowedFrom: z.iso.datetime().nullable(),
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
  .object({ id: z.string(), title: z.string(), body: z.string(), createdAt: z.iso.datetime(), read: z.boolean() })
  .meta({ id: 'Message' });
export type Account = z.infer<typeof AccountSchema>;
export type Message = z.infer<typeof InboxMessageSchema>;
