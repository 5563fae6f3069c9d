import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { ChangeRow } from '../../store/changes';
import { accountStanding, changeRefusal, missingMaterials, requiredMaterials, type ChangeRefusal } from '../../domain/change-rules';
import { sameEntityName } from '../../domain/entity-name';
import { appError } from '../../domain/errors';
import type { ProcessTimings } from '../../platform/config';
import { idFromSeed } from '../../platform/ids';
import {
  awaitChangeOpenedUpdate,
  changeWorkflowId,
  revokeChangeUpdate,
  submitChangeMaterialsUpdate,
  submitNewSubjectUpdate,
  SUBJECT_CHANGE_WORKFLOW,
  type ChangeInput,
  type ChangeOpenResult,
  type ChangeOutcome,
  type ChangeRefusalRecord,
} from '../../workflows/change-messages';
import { awaitOpenedUpdate, refreshQrUpdate, SearchAttributes, verificationWorkflowId } from '../../workflows/messages';
import type { Principal } from '../http/auth';
import type { ChangeMaterialsBody, CreateChangeBody, NewSubjectBody } from './schemas';
import { validationError } from '../http/problem';
import type { ReadModel } from '../../store/read-model';
import { changeView } from '../../views/change';
import { newSubjectVerificationId } from '../../platform/ids';
import { buildChangeRequest, newSubjectInput, type ChangeRequestDeps } from './requests';
import { startAndAwaitOpened, updateProcess, withinDeadline, type UpdateRequest } from '../verifications/process-start';
import { changeTimings } from '../verifications/inputs';

/** How long a read of a change waits for its new subject's verification to show its first step. */
const NEW_SUBJECT_WAIT_MS = 3_000;

export interface ChangeServiceDeps extends Omit<ChangeRequestDeps, 'now'> {
  temporal: { client: Client; taskQueue: string };
  readModel: ReadModel;
  timings: ProcessTimings;
  now?: () => Date;
}

/** A refusal at creation as its problem document (API.md's codes; CHANGE_COOLDOWN carries allowedFrom). */
function refusalProblem(refusal: ChangeRefusal | ChangeRefusalRecord, openProcess?: { kind: string | null; id: string | null }) {
  switch (refusal.code) {
    case 'ACCOUNT_CLOSED':
      return appError('ACCOUNT_CLOSED', 'The account is closed: it takes no new change.');
    case 'NOT_VERIFIED':
      return appError('NOT_VERIFIED', 'The account has no verified subject to change.');
    case 'CHANGE_NOT_ALLOWED':
      return appError('CHANGE_NOT_ALLOWED', `This change is not possible: ${refusal.why ?? 'it does not fit the account'}.`);
    case 'PROCESS_ALREADY_OPEN':
      return appError('PROCESS_ALREADY_OPEN', 'The account already has a verification or change in progress.', openProcess?.id ? { openProcess } : undefined);
    case 'CHANGE_COOLDOWN': {
      const allowedFrom = new Date(refusal.allowedFrom!).toISOString();
      return appError('CHANGE_COOLDOWN', `A change is possible 30 days after the last verification or change completed: from ${allowedFrom}.`, { allowedFrom });
    }
  }
}

/** Changes of subject (SPEC §5): each is workflow change/<id>; the read model answers reads. */
export function buildChangeService(deps: ChangeServiceDeps) {
  const { temporal, readModel } = deps;
  const now = deps.now ?? (() => new Date());
  const requestDeps: ChangeRequestDeps = { ...deps, now };

  async function load(id: string): Promise<ChangeRow> {
    const row = await readModel.change(id);
    if (!row) throw appError('NOT_FOUND', 'No such change.');
    return row;
  }

  /**
   * The change as clients see it: while it verifies its new subject, with that
   * verification's id and next action. Just after the change started it, the
   * verification may not show its first step yet: then this waits for it.
   */
  async function view(row: ChangeRow) {
    if (row.status !== 'in_progress' || row.step !== 'verifying_new_subject') return changeView(row);
    const verificationId = row.verification_id ?? newSubjectVerificationId(row.id);
    let verification = await readModel.verification(verificationId);
    if (!verification || (verification.status === 'in_progress' && !verification.next_action)) {
      // Briefly: a read never hangs on a verification whose first step is slow (a provider retried for minutes).
      const handle = temporal.client.workflow.getHandle(verificationWorkflowId(verificationId));
      // Bounded as well, so a worker that is down leaves no poll running behind the answered read.
      const opened = withinDeadline(temporal.client, () => handle.executeUpdate(awaitOpenedUpdate)).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([opened, new Promise((resolve) => (timer = setTimeout(resolve, NEW_SUBJECT_WAIT_MS)))]);
      clearTimeout(timer);
      verification = await readModel.verification(verificationId);
    }
    return changeView({ ...row, verification_id: verificationId }, verification);
  }
  const reload = async (id: string) => view((await readModel.change(id))!);

  const update = <R, A extends unknown[]>(row: ChangeRow, request: UpdateRequest<R, A>) => updateProcess(temporal.client, row, `This change is ${row.status}.`, request);

  async function start(input: ChangeInput): Promise<ChangeOpenResult> {
    const started = await startAndAwaitOpened(temporal, awaitChangeOpenedUpdate, {
      workflowId: changeWorkflowId(input.changeId),
      workflowType: SUBJECT_CHANGE_WORKFLOW,
      input,
      searchAttributes: [
        { key: SearchAttributes.accountId, value: input.accountId },
        { key: SearchAttributes.processKind, value: 'change' },
        { key: SearchAttributes.method, value: input.request.type },
        { key: SearchAttributes.processStatus, value: 'in_progress' },
      ],
    });
    if (started.kind === 'opened') return started.result;
    // The run with this id already ended: opened if it has a row, else it was refused.
    if (await readModel.change(input.changeId)) return { opened: true };
    const outcome = (await started.result()) as ChangeOutcome;
    if (outcome.status !== 'rejected') throw new Error(`change ${input.changeId} ended but is not in the read model`);
    return { opened: false, refusal: outcome.refusal };
  }

  return {
    /** The account a change belongs to (undefined: no such change). */
    ownerOf: async (id: string) => (await readModel.change(id))?.account_id,

    async create(principal: Principal, accountId: string, body: z.infer<typeof CreateChangeBody>, seed: string) {
      const changeId = idFromSeed('chg', seed);
      const existing = await readModel.change(changeId);
      if (existing) return view(existing);
      const account = await readModel.account(accountId);
      if (account?.closed_at) throw refusalProblem({ code: 'ACCOUNT_CLOSED' });
      // Early answers; the workflow re-checks all of them atomically when it opens.
      const refusal = changeRefusal(body.type, accountStanding(account), now(), deps.timings.changeCooldownMs);
      if (refusal) throw refusalProblem(refusal, { kind: account?.open_process_kind ?? null, id: account?.open_process_id ?? null });
      const request = await buildChangeRequest(requestDeps, account!, body, changeId);
      const opened = await start({ changeId, accountId, request, timings: changeTimings(deps.timings), calendar: deps.calendar });
      if (!opened.opened) throw refusalProblem(opened.refusal);
      return reload(changeId);
    },

    async get(principal: Principal, id: string) {
      return view(await load(id));
    },

    async list(principal: Principal, accountId: string, limit: number, cursor?: string) {
      const found = await readModel.changes(accountId, limit, cursor);
      return { items: await Promise.all(found.items.map(view)), nextCursor: found.nextCursor };
    },

    /** Materials for review: every required purpose, each an upload of this account with that purpose. */
    async submitMaterials(principal: Principal, id: string, body: z.infer<typeof ChangeMaterialsBody>, seed: string) {
      const row = await load(id);
      if (row.status !== 'in_progress' || row.step !== 'awaiting_materials') throw appError('PROCESS_NOT_OPEN', 'This change is not waiting for materials.');
      const materials = Object.fromEntries(Object.entries(body.materials).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const missing = missingMaterials(requiredMaterials(row.type as 'enterprise_entity_change' | 'enterprise_name_change'), materials);
      if (missing.length > 0) throw validationError(missing.map((purpose) => ({ path: `materials.${purpose}`, message: 'required' })));
      for (const [purpose, uploadId] of Object.entries(materials)) await deps.assertUploadOf(row.account_id, uploadId, [purpose], `materials.${purpose}`);
      await update(row, { update: submitChangeMaterialsUpdate, args: [materials], seed });
      return reload(id);
    },

    /** After approval of an entity change: the new enterprise, which must be the one declared, and its method. */
    async submitNewSubject(principal: Principal, id: string, body: z.infer<typeof NewSubjectBody>, seed: string) {
      const row = await load(id);
      if (row.status !== 'in_progress' || row.step !== 'awaiting_new_subject') throw appError('PROCESS_NOT_OPEN', 'This change is not waiting for the new subject.');
      const declared = (row.request as { newEnterprise?: { name: string; creditCode: string } }).newEnterprise;
      const input = await newSubjectInput(requestDeps, row.account_id, body, row.id);
      if (!declared || input.applicant.creditCode !== declared.creditCode || !sameEntityName(input.applicant.name, declared.name)) {
        throw validationError([{ path: 'enterprise', message: 'name and credit code must be those of the newEnterprise the change declared' }]);
      }
      await update(row, { update: submitNewSubjectUpdate, args: [input], seed });
      return reload(id);
    },

    async revoke(principal: Principal, id: string, seed: string) {
      await update(await load(id), { update: revokeChangeUpdate, args: [], seed });
      return reload(id);
    },

    async refreshQr(principal: Principal, id: string, seed: string) {
      await update(await load(id), { update: refreshQrUpdate, args: [], seed });
      return reload(id);
    },
  };
}

export type ChangeService = ReturnType<typeof buildChangeService>;
