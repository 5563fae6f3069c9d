import { z } from 'zod';
import type { SandboxBank } from '../../adapters/sandbox/bank';
import type { SandboxNotifier } from '../../adapters/sandbox/notifier';
import { parseYuan } from '../../domain/money';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { validationError } from '../http/problem';
import { AccountId } from '../http/schemas';
import type { ProcessedWatch } from './processed';
import { SandboxDelivery, sandboxAnswer } from './routes';

const AccountNumber = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{8,30}$/, '8-30 digits'));

/** The sandbox bank and message channels, for people and tests. */
export function sandboxBankRoutes(deps: RouteDeps, sandbox: { bank: SandboxBank; notifier: SandboxNotifier; processed: ProcessedWatch }): void {
  defineRoute(deps, {
    method: 'post',
    path: '/sandbox/bank/transfers',
    summary: 'Sandbox: someone sends money to an account at the sandbox bank (a recharge’s collection account, for recharge verification)',
    description:
      "The bank reports money reaching the platform's accounts (its collection account and the sub-accounts it opened for recharges) by its signed callback. A transfer is matched only through the collection account it was sent to; anything else is refunded automatically.",
    tags: ['sandbox'],
    auth: 'public',
    body: z
      .object({
        fromAccountNumber: AccountNumber,
        fromAccountName: z.string().trim().min(1).max(200),
        toAccountNumber: AccountNumber,
        amount: z.string().trim().meta({ example: '0.37' }),
      })
      .meta({ id: 'SandboxTransfer' }),
    responses: {
      202: {
        description: 'Sent; money reaching one of the platform’s accounts is reported by the bank’s callback (eventId null: another customer’s account, nothing reported)',
        schema: SandboxDelivery.extend({ eventId: z.string().nullable(), transferId: z.string() }),
      },
    },
    handler: async ({ body }) => {
      const amountFen = parseYuan(body.amount);
      if (amountFen === null || amountFen < 1) throw validationError([{ path: 'amount', message: 'yuan with at most two decimals, like "0.37"' }]);
      const { transferId, delivery } = await sandbox.bank.receiveTransfer({ ...body, amountFen });
      // Not one of the platform's accounts: the bank tells the service nothing.
      if (!delivery) return { status: 202, body: { eventId: null, delivered: false, callbackStatus: null, processed: false, transferId } };
      const routedTo = (delivery.body as { routedTo?: string | null } | undefined)?.routedTo;
      const reply = await sandboxAnswer(sandbox.processed, delivery.eventId, routedTo, delivery);
      return { status: reply.status, body: { ...reply.body, transferId } };
    },
  });

  defineRoute(deps, {
    method: 'get',
    path: '/sandbox/bank/accounts/{accountNumber}/statement',
    summary: 'Sandbox: money the platform sent to this account (payouts settled, refunds)',
    tags: ['sandbox'],
    auth: 'public',
    params: z.object({ accountNumber: AccountNumber }),
    responses: {
      200: {
        description: 'The statement, oldest first',
        schema: z.object({ items: z.array(z.object({ amount: z.string(), from: z.string(), at: z.iso.datetime(), reference: z.string() })) }),
      },
    },
    handler: async ({ params }) => ({ status: 200, body: { items: await sandbox.bank.statement(params.accountNumber) } }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/sandbox/notifications',
    summary: 'Sandbox: the email, SMS and WeChat messages sent to an account',
    tags: ['sandbox'],
    auth: 'public',
    query: z.object({ accountId: AccountId }),
    responses: {
      200: {
        description: 'Sent messages, oldest first',
        schema: z.object({ items: z.array(z.object({ channel: z.string(), recipient: z.string(), title: z.string(), body: z.string(), createdAt: z.iso.datetime() })) }),
      },
    },
    handler: async ({ query }) => ({
      status: 200,
      body: {
        items: (await sandbox.notifier.list(query.accountId)).map((n: { channel: string; recipient: string; title: string; body: string; created_at: Date }) => ({
          channel: n.channel,
          recipient: n.recipient,
          title: n.title,
          body: n.body,
          createdAt: new Date(n.created_at).toISOString(),
        })),
      },
    }),
  });
}
