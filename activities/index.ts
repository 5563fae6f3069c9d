import { log } from '@temporalio/activity';
import { maskIdNumber } from '../domain/masking';
import type { FileStorage, Providers, QrTicket } from '../adapters/types';
import type { PiiCipher } from '../platform/crypto';
import type { ProcessKeys } from '../platform/data-keys';
import type { Db } from '../platform/db';
import { invalidRequest } from '../platform/failures';
import type { Metrics } from '../platform/metrics';
import type { RefundStarter } from '../platform/refunds';
import type { WebhookTargetPolicy } from '../webhooks/target';
import type { WebhookHealthSettings } from './webhook-health';
import type { WorkflowInspector } from '../platform/workflow-inspector';
import { dueRefunds } from '../store/ledger';
import * as repo from '../store/verifications';
import { createReconcileActivities } from './reconcile';
import { createRetentionActivities } from './retention';
import type { NextAction, OpenRefusal, QrProvider } from '../workflows/messages';
import { createChangeActivities } from './change-activities';
import { createClosureActivities } from './closure';
import { createEnterpriseActivities } from './enterprise';
import { createReminderActivities } from './reminders';
import { outcomeMessage, verifiedMessage } from './texts';
import { createWebhookActivities } from './webhooks';
import { isSealed, sealNames } from '../domain/sealed-value';
import { createIdentityActivities, openAll } from './identity';
import { createLookupActivities } from './lookups';

export interface ActivityDeps {
  db: Db;
  cipher: PiiCipher;
  /** Per-process data keys (SPEC §11): workflows carry personal values sealed, activities open them where they are used; account closure destroys an account's. */
  keys: ProcessKeys;
  providers: Providers;
  storage: FileStorage;
  /** Starts the refund workflows of money a closing decided to send back. */
  refunds: RefundStarter;
  /** What the reconciler asks Temporal about runs (their status by workflow id). */
  inspector: WorkflowInspector;
  /** Where webhook deliveries may connect (activities/webhooks.ts). */
  webhookTargets?: WebhookTargetPolicy;
  /** When a failing endpoint is disabled, and whom to email then (activities/webhooks.ts). */
  webhookHealth?: WebhookHealthSettings;
  /** The worker's counters that activities keep (retention's deletions). */
  metrics?: Pick<Metrics, 'retentionDeleted'>;
  /** Test-only: activity types that pause after their effect, before reporting back (see test-faults.ts). */
  faults?: { pauseAfter: string[] };
}

export interface OpenIndividualVerificationArgs {
  verificationId: string;
  workflowId: string;
  accountId: string;
  method: string;
  realName: string;
  idType: string;
  idNumber: string;
  industry: string;
  address: { region: string; detail: string };
  identityHash: string;
  expiresAt: string;
}

export interface IssueQrArgs {
  provider: QrProvider;
  /** WeChat only: the official-account authorisation QR (an enterprise's administrator scans it). */
  kind?: 'authorization' | 'official_account';
  reference: string;
  /** Idempotency key derived from the workflow: a retried activity gets the same ticket. */
  requestId: string;
  ttlSeconds: number;
  /** The ticket this one replaces; it stops working. */
  replaces?: string | undefined;
  /** Face sessions only: whom to compare the face with. */
  subject?: { realName: string; idNumber: string };
}

/**
 * Side effects of the workflows, built from their dependencies. Every function
 * is idempotent: Temporal may run an attempt twice (a timeout, a worker crash).
 */
export function createActivities(deps: ActivityDeps) {
  const { db, cipher, providers } = deps;
  /** Money a closing decided to send back: its refunds start once that decision is committed (a retry starts what a crash left). */
  const startDueRefunds = async (verificationIds: string[]) => deps.refunds.start(await dueRefunds(db, verificationIds), 'the process that held it ended');

  const enterprise = createEnterpriseActivities(deps);
  const change = createChangeActivities({ ...deps, startDueRefunds });

  return {
    ...enterprise,
    ...change,
    ...createReconcileActivities({ db, inspector: deps.inspector, refunds: deps.refunds, notify: { enterprise: (args) => enterprise.notifyEnterprise(args), change: (args) => change.notifyChange(args) } }),
    ...createWebhookActivities(deps),
    ...createIdentityActivities({ open: (sealed) => deps.keys.open(sealed) }),
    ...createRetentionActivities({ db, storage: deps.storage, metrics: deps.metrics }),
    ...createClosureActivities(deps),
    ...createReminderActivities(deps),
    ...createLookupActivities({ db }),

    async openIndividualVerification(sealed: OpenIndividualVerificationArgs): Promise<{ opened: true } | { opened: false; code: OpenRefusal }> {
      const args = await openAll(sealed, (value) => deps.keys.open(value));
      const result = await repo.openVerification(db, {
        id: args.verificationId,
        accountId: args.accountId,
        workflowId: args.workflowId,
        subjectType: 'individual',
        method: args.method,
        // The name as it came, sealed under the verification's key (older runs: sealed now).
        subject: await sealNames(
          { realName: sealed.realName, idType: args.idType, idNumber: maskIdNumber(args.idNumber), industry: args.industry, address: args.address },
          (value) => deps.keys.seal({ processId: args.verificationId, accountId: args.accountId }, value),
        ),
        // Sealed under the verification's key as it came (older runs: sealed here with the PII key).
        idNumberEnc: isSealed(sealed.idNumber) ? sealed.idNumber : cipher.encrypt(args.idNumber),
        identityHash: args.identityHash,
        expiresAt: new Date(args.expiresAt),
      });
      if (!result.opened) log.info('verification refused at open', { code: result.code });
      return result;
    },

    async issueQr(args: IssueQrArgs): Promise<QrTicket> {
      const request = { reference: args.reference, requestId: args.requestId, ttlSeconds: args.ttlSeconds };
      let ticket: QrTicket;
      switch (args.provider) {
        case 'wechat':
          ticket = args.kind === 'official_account' ? await providers.wechat.createOfficialAccountQr(request) : await providers.wechat.createAuthorizationQr(request);
          break;
        case 'qq':
          ticket = await providers.qq.createAuthorizationQr(request);
          break;
        case 'face':
          if (!args.subject) throw invalidRequest('a face session needs the person to compare with');
          ticket = await providers.face.createSession({ ...request, subject: await openAll(args.subject, (value) => deps.keys.open(value)) });
          break;
      }
      if (args.replaces && args.replaces !== ticket.ticket) await providers[args.provider].revokeTicket(args.replaces);
      return ticket;
    },

    async revokeQr(args: { provider: QrProvider; ticket: string }): Promise<void> {
      await providers[args.provider].revokeTicket(args.ticket);
    },

    async recordVerificationProgress(args: {
      verificationId: string;
      revision: number;
      step: string | null;
      nextAction: NextAction | null;
    }): Promise<void> {
      await repo.recordVerificationProgress(db, args);
    },

    async completeVerification(args: {
      verificationId: string;
      revision: number;
      method: string;
      credit?: { amountFen: number; reference: string };
    }): Promise<repo.TerminalRecord> {
      const outcome = await repo.completeVerification(db, {
        verificationId: args.verificationId,
        revision: args.revision,
        ...(args.credit ? { credit: args.credit } : {}),
        messages: {
          verified: verifiedMessage(args.method),
          quotaExceeded: outcomeMessage({ status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' }),
        },
      });
      // Only a recharge holds money (its closing settled it): the other methods' closings skip the look-up.
      if (args.method === 'recharge') await startDueRefunds([args.verificationId]);
      return outcome;
    },

    async finishVerification(args: {
      verificationId: string;
      revision: number;
      method: string;
      outcome: repo.TerminalRecord;
    }): Promise<repo.TerminalRecord> {
      const outcome = await repo.finishVerification(db, {
        verificationId: args.verificationId,
        revision: args.revision,
        outcome: args.outcome,
        message: outcomeMessage(args.outcome),
      });
      // Only a recharge holds money (its closing settled it): the other methods' closings skip the look-up.
      if (args.method === 'recharge') await startDueRefunds([args.verificationId]);
      return outcome;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
