import { log } from '@temporalio/activity';
import { MessageKind } from '../domain/constants';
import type { Providers } from '../adapters/types';
import { maskedEnterprise } from '../domain/enterprise-subject';
import { maskIdNumber } from '../domain/masking';
import type { PiiCipher } from '../platform/crypto';
import type { Db } from '../platform/db';
import { recordMissing } from '../platform/failures';
import { idFromSeed } from '../platform/ids';
import { accountSubject, postToInbox } from '../store/accounts';
import * as changes from '../store/changes';
import { openReview, type ReviewMaterial } from '../store/reviews';
import type { ChangeNextAction, ChangeOpenResult, ChangeRequest } from '../workflows/change-messages';
import { changeNotice, type ChangeNoticeEvent } from './change-texts';
import { switchSubject, type SwitchResult } from './subject-switch';
import type { ProcessKeys } from '../platform/data-keys';
import { openAll } from './identity';
import { keepSealedNames, sealNames } from '../domain/sealed-value';
import { changeFactValues, factHashes } from '../domain/signals';

/** The people a change request names; each is shown masked, and their ID numbers sealed apart. */
const PEOPLE = ['holder', 'newPerson', 'formerLegalPerson', 'newLegalPerson'] as const;

/** A change request as stored: masked for display, the ID numbers sealed (for admins and the switch the whole request is sealed). */
export function maskedChangeRequest(request: ChangeRequest): { masked: Record<string, unknown>; sealedPeople: Record<string, { idNumber: string }> } {
  const masked: Record<string, unknown> = { ...request };
  const sealedPeople: Record<string, { idNumber: string }> = {};
  for (const field of PEOPLE) {
    const person = (request as Record<string, unknown>)[field] as { idNumber: string } | undefined;
    if (!person) continue;
    masked[field] = { ...person, idNumber: maskIdNumber(person.idNumber) };
    sealedPeople[field] = { idNumber: person.idNumber };
  }
  if (request.type === 'individual_to_enterprise') masked.newSubject = { method: request.newSubject.method, enterprise: maskedEnterprise(request.newSubject.applicant) };
  delete masked.newIdentityHash;
  return { masked, sealedPeople };
}

export function createChangeActivities(deps: { db: Db; cipher: PiiCipher; keys: ProcessKeys; providers: Providers; startDueRefunds: (verificationIds: string[]) => Promise<void> }) {
  const { db, cipher, providers } = deps;

  async function loadChange(changeId: string): Promise<changes.ChangeRow> {
    const row = await changes.changeById(db, changeId);
    if (!row) throw recordMissing(`change ${changeId}`);
    return row;
  }

  return {
    /** Claims the account's slot after the refusals of API.md, re-checked here atomically (a request may have raced another). */
    async openChange(args: { changeId: string; workflowId: string; accountId: string; request: ChangeRequest; expiresAt: string; cooldownMs: number }): Promise<ChangeOpenResult> {
      // A new subject's people arrive sealed under its verification's key: opened to be masked, kept sealed as they came.
      const request = await openAll(args.request, (sealed) => deps.keys.open(sealed));
      const { masked: shown } = maskedChangeRequest(request);
      // Shown with people's names, which stay sealed at rest: under the key they came sealed with, else the change's.
      const masked = await sealNames(keepSealedNames(shown, args.request), (value) => deps.keys.seal({ processId: args.changeId, accountId: args.accountId }, value));
      const result = await changes.openChange(db, {
        id: args.changeId,
        accountId: args.accountId,
        workflowId: args.workflowId,
        type: args.request.type,
        request: masked,
        requestEnc: cipher.encrypt(JSON.stringify(args.request)),
        expiresAt: new Date(args.expiresAt),
        cooldownMs: args.cooldownMs,
        facts: factHashes(cipher, changeFactValues(request)),
      });
      if (result.opened) return { opened: true };
      log.info('change refused at open', { code: result.refusal.code });
      const { refusal } = result;
      return {
        opened: false,
        refusal: {
          code: refusal.code,
          ...('why' in refusal ? { why: refusal.why } : {}),
          ...('allowedFrom' in refusal ? { allowedFrom: refusal.allowedFrom.toISOString() } : {}),
        },
      };
    },

    async recordChangeProgress(args: { changeId: string; revision: number; step: string | null; nextAction: ChangeNextAction | null }): Promise<void> {
      await changes.recordChangeProgress(db, args);
    },

    async finishChange(args: { changeId: string; revision: number; outcome: changes.ChangeEnd }): Promise<changes.ChangeTerminal> {
      const row = await loadChange(args.changeId);
      const outcome = await changes.finishChange(db, { ...args, message: changeNotice(row.type, args.outcome.status, args.outcome.failureReason) });
      await deps.startDueRefunds(await changes.changeVerificationIds(db, row.id));
      return outcome;
    },

    /** The switch: one transaction (see subject-switch.ts). */
    async completeChange(args: { changeId: string; revision: number }): Promise<SwitchResult> {
      const row = await loadChange(args.changeId);
      const outcome = await switchSubject(db, deps, {
        ...args,
        messages: { completed: changeNotice(row.type, 'completed', null), quotaExceeded: changeNotice(row.type, 'failed', 'IDENTITY_QUOTA_EXCEEDED') },
      });
      await deps.startDueRefunds(await changes.changeVerificationIds(db, row.id));
      return outcome;
    },

    /** A review round of the change's materials; its id derives from the workflow and round, so a retry opens it once. */
    async openChangeReview(args: { changeId: string; workflowId: string; round: number; kind: string; dueAt: string; materials: ReviewMaterial[] }): Promise<{ reviewId: string }> {
      const row = await loadChange(args.changeId);
      const account = await accountSubject(db, row.account_id);
      const request = await openAll(JSON.parse(cipher.decrypt(row.request_enc!)) as ChangeRequest, (sealed) => deps.keys.open(sealed));
      const reviewId = idFromSeed('rev', `${args.workflowId}/review/${args.round}`);
      const current = account?.subject as { name?: string; creditCode?: string } | null;
      await openReview(db, {
        reviewId,
        kind: args.kind,
        accountId: row.account_id,
        processId: row.id,
        workflowId: args.workflowId,
        applicant: { ...row.request, current: { name: current?.name ?? null, creditCode: current?.creditCode ?? null } },
        applicantPiiEnc: cipher.encrypt(JSON.stringify(maskedChangeRequest(request).sealedPeople)),
        materials: args.materials,
        dueAt: new Date(args.dueAt),
      });
      return { reviewId };
    },

    /**
     * SPEC §7: review results by email, SMS and the message centre (terminal
     * outcomes reach the message centre with the outcome's own write). One
     * send per event and channel, however often this is retried.
     */
    async notifyChange(args: { changeId: string; event: ChangeNoticeEvent; round: number; reason?: string | null }): Promise<void> {
      const row = await loadChange(args.changeId);
      const notice = changeNotice(row.type, args.event, args.reason ?? null);
      const key = `${row.id}/${args.event}/${args.round}`;
      if (args.event.startsWith('review_')) await postToInbox(db, row.account_id, `${key}/message_centre`, { kind: MessageKind.result, ...notice });
      // The account's registered contacts: the platform resolves `account:` recipients.
      const recipient = `account:${row.account_id}`;
      for (const channel of ['email', 'sms'] as const) {
        await providers.notifier.send({ accountId: row.account_id, channel, recipient, ...notice, dedupeKey: `${key}/${channel}` });
      }
    },
  };
}
