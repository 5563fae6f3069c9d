/**
 * Enterprise verification (SPEC §4): the account's slot, the business registry
 * check, then the chosen method's process:
 * - an instant method (enterprise-instant.ts): WeChat Official Account, legal-person WeChat QR, legal-person face;
 * - platform recharge (recharge.ts): an exact small transfer from the confirmed corporate account;
 * - corporate public remittance (public-remittance.ts): handler face, review, payout, amount.
 * Outcomes are notified by every channel of SPEC §7.
 */
import { workflowInfo } from '@temporalio/workflow';
import { registryVerdict } from '../../domain/enterprise-rules';
import { iso } from '../../domain/instant';
import { runToClose } from '../kernel/closing';
import { failed } from '../kernel/outcome';
import type { RunEnd } from '../kernel/run';
import type { EnterpriseVerificationInput, EnterpriseVerificationWorkflow, VerificationSnapshot } from '../messages';
import { database, notifications } from './activities';
import { instantMethod } from './enterprise-instant';
import { publicRemittance } from './public-remittance';
import { recharge } from './recharge';
import { setVerificationHandlers, verificationRun, type VerificationRun } from './run';

/** Why a change's verification of its new subject refuses its own cancel. */
const OWNED_BY_CHANGE = 'this verification belongs to a change of subject: revoke the change instead';

export const enterpriseVerification: EnterpriseVerificationWorkflow = async (input) => {
  const { verificationId, timings, method } = input;
  const notify = (end: RunEnd<VerificationSnapshot>) =>
    notifications.notifyEnterprise({ verificationId, event: end.status, round: 0, reason: end.failureReason });
  // A change's verification of its new subject: the change notifies its own outcome, and only the change may end it.
  const reminders = { process: 'verification' as const, offsetsMs: timings.remindersBeforeMs };
  const run = verificationRun(verificationId, method, { providerCallTimeoutMs: timings.providerCallTimeoutMs, reminders, ...(input.change ? {} : { notify }) });
  // A run continued as new takes over its predecessor's state before any handler is registered: Updates and signals
  // that reached it first are delivered on registration and must see the process as it is.
  if (input.resume) run.resumeFrom(input.resume.run);
  setVerificationHandlers(run, input.change ? OWNED_BY_CHANGE : undefined);

  return runToClose(run, async () => {
    // Continued as new while its review waited (public remittance): opened, checked and in review already.
    if (input.resume) {
      await publicRemittance(input, run);
      return run.outcome();
    }
    const deadline = deadlineOf(input, Date.now());
    const open = await database.openEnterpriseVerification({
      verificationId,
      workflowId: workflowInfo().workflowId,
      accountId: input.accountId,
      method,
      applicant: input.applicant,
      identityHash: input.identityHash,
      expiresAt: deadline === null ? null : iso(deadline),
      ...(input.change ? { changeId: input.change.changeId } : {}),
    });
    if (!open.opened) {
      run.markOpened(open);
      return { status: 'rejected', code: open.code };
    }
    run.claimed = true;

    // The business registry (a newly issued licence may not be there yet).
    const registryFailure = await checkRegistry(input, run);
    if (registryFailure) {
      await run.close(failed(registryFailure));
      run.markOpened();
      return run.outcome();
    }

    if (method === 'recharge') await recharge(input, run, deadline!);
    else if (method === 'public_remittance') await publicRemittance(input, run);
    else await instantMethod(input, run, deadline!);
    return run.outcome();
  });
};

const INSTANT = new Set(['wechat_official_account', 'legal_person_wechat', 'legal_person_face']);

/** Instant methods expire after INSTANT_METHOD_TTL, recharge after TRANSFER_WINDOW; public remittance's windows are per step. */
function deadlineOf(input: EnterpriseVerificationInput, startedAt: number): number | null {
  if (INSTANT.has(input.method)) return startedAt + input.timings.instantMethodTtlMs;
  return input.method === 'recharge' ? startedAt + input.timings.transferWindowMs : null;
}

async function checkRegistry(input: EnterpriseVerificationInput, run: VerificationRun) {
  const { applicant, method } = input;
  const check = await run.providers.checkRegistry({
    creditCode: applicant.creditCode,
    enterpriseName: applicant.name,
    ...(applicant.legalPerson ? { legalPerson: applicant.legalPerson } : {}),
  });
  return registryVerdict({ licenseType: applicant.licenseType, method }, check);
}
