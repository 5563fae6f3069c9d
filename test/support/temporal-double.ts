import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { ChangeRow } from '../../store/changes';
import type { ProcessTimings } from '../../platform/config';
import type { ProcessKeys } from '../../platform/data-keys';
import type { PiiCipher } from '../../platform/crypto';
import type { ReviewRow } from '../../store/reviews';
import type { VerificationRow } from '../../store/verifications';
import type { ReadModel } from '../../store/read-model';
import { buildChangeService } from '../../api/changes/service';
import { buildReviewService } from '../../api/reviews/service';
import { buildVerificationService } from '../../api/verifications/service';

/**
 * The API's services over a Temporal client double, for tests of what the API
 * sends to workflows: every Update is recorded (workflow, name, update id,
 * arguments) and answered by the test.
 */

export interface SentUpdate {
  workflowId: string;
  update: string;
  updateId: string | undefined;
  args: unknown[];
}

/** Answers the `index`-th Update sent (from 0): a value, a throw, or a wait. */
export type UpdateAnswer = (sent: SentUpdate, index: number) => Promise<unknown>;

export function recordingTemporal(answer: UpdateAnswer): { client: Client; sent: SentUpdate[] } {
  const sent: SentUpdate[] = [];
  const client = {
    connection: { withDeadline: <T>(_deadline: number, call: () => Promise<T>) => call() },
    workflow: {
      getHandle: (workflowId: string) => ({
        executeUpdate: (update: { name: string }, options?: { args?: unknown[]; updateId?: string }) => {
          const record: SentUpdate = { workflowId, update: update.name, updateId: options?.updateId, args: options?.args ?? [] };
          sent.push(record);
          return answer(record, sent.length - 1);
        },
      }),
    },
  } as unknown as Client;
  return { client, sent };
}

/** What the client throws when an Update is not answered within the request's deadline (the API answers 503). */
export const updateTimedOut = () => Promise.reject(new WorkflowUpdateRPCTimeoutOrCancelledError('deadline exceeded'));

const at = new Date('2025-09-20T02:00:00Z');

export const VERIFICATION_ID = 'ver_AAAAAAAAAAAAAAAAAAAAAAAA';
export const CHANGE_ID = 'chg_AAAAAAAAAAAAAAAAAAAAAAAA';
export const REVIEW_ID = 'rev_AAAAAAAAAAAAAAAAAAAAAAAA';

/** A public remittance waiting for the amount read on the statement. */
export const remittanceRow: VerificationRow = {
  id: VERIFICATION_ID,
  account_id: 'acct-1',
  workflow_id: `verification/${VERIFICATION_ID}`,
  subject_type: 'enterprise',
  method: 'public_remittance',
  status: 'in_progress',
  step: 'awaiting_amount',
  next_action: { type: 'enter_amount', attemptsLeft: 2, deadline: '2025-09-27T02:00:00.000Z' },
  failure_reason: null,
  change_id: null,
  pending_credit: null,
  subject: { name: '北京某某科技有限公司' },
  id_number_enc: null,
  pii_enc: null,
  review_id: null,
  rejection: null,
  identity_hash: 'hash',
  revision: 5,
  created_at: at,
  updated_at: at,
  completed_at: null,
  expires_at: null,
};

/** A name change waiting for its materials. */
export const changeRow: ChangeRow = {
  id: CHANGE_ID,
  account_id: 'acct-1',
  workflow_id: `change/${CHANGE_ID}`,
  type: 'enterprise_name_change',
  status: 'in_progress',
  step: 'awaiting_materials',
  next_action: null,
  failure_reason: null,
  request: {},
  request_enc: null,
  rejection: null,
  review_id: null,
  verification_id: null,
  revision: 2,
  created_at: at,
  updated_at: at,
  expires_at: null,
  completed_at: null,
};

export const reviewRow = { id: REVIEW_ID, status: 'open', workflow_id: `verification/${VERIFICATION_ID}`, process_id: VERIFICATION_ID } as ReviewRow;

/** Sealing is not what these tests are about; the services read masked views only. */
const cipher: PiiCipher = { encrypt: (s) => s, decrypt: (s) => s, keyedHash: (s) => s };

/** The three services that act on processes, each over the client double and a read model that knows one row of each. */
export function servicesOver(client: Client) {
  const readModel = {
    verification: async (id: string) => (id === VERIFICATION_ID ? remittanceRow : undefined),
    change: async (id: string) => (id === CHANGE_ID ? changeRow : undefined),
    review: async (id: string) => (id === REVIEW_ID ? reviewRow : undefined),
  } as unknown as ReadModel;
  const processDeps = {
    temporal: { client, taskQueue: 'tq' },
    readModel,
    cipher,
    // These tests act on processes that exist: no enterprise identity is formed.
    registry: { lookup: async () => null },
    timings: {} as ProcessTimings,
    assertUploadOf: async () => undefined,
    collectionAccount: { accountName: 'platform', accountNumber: '6222000000000000', bankName: 'bank' },
    calendar: { holidays: [], workdays: [] },
    // Nothing is sealed or opened here: these tests act on processes that exist.
    keys: { seal: async (_p, s) => s, open: async (s) => s, erase: async () => 0, readerFor: async () => cipher } satisfies ProcessKeys,
  };
  return {
    verifications: buildVerificationService(processDeps),
    changes: buildChangeService(processDeps),
    reviews: buildReviewService({ readModel, client, keys: processDeps.keys, publicBaseUrl: 'http://localhost', claimTtlMs: 60_000 }),
  };
}
