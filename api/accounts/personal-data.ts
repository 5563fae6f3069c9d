import type { PersonalData } from '../../contracts/account';
import { PersonalDataSchema } from '../../contracts/account';
import { personalDataKeptUntil, replacedAt, type ChangeOfSubject, type HeldPeriods } from '../../domain/retention';
import { ERASED, openAll } from '../../domain/sealed-value';
import type { PiiCipher } from '../../platform/crypto';
import type { ProcessKeys } from '../../platform/data-keys';
import type { Db } from '../../platform/db';
import type { ChangeRow } from '../../store/changes';
import type { ReadModel } from '../../store/read-model';
import type { LookupRow } from '../../store/lookups';
import { isErasedUpload, uploadsOfAccount } from '../../store/uploads';
import type { VerificationRow } from '../../store/verifications';
import { timestamp } from '../../views/time';
import { subjectView } from '../../views/verification';
import { seesPlainPii, type Principal } from '../http/auth';
import { defineRoute, type RouteDeps } from '../http/route';
import { AccountParams } from '../http/schemas';

/**
 * The right of access (SPEC §11, PIPL Art. 45): everything the service holds
 * about an account's subjects as one document — each process's personal data
 * (masked except to admins, `[erased]` where it was erased), where it came
 * from and until when it is kept, and the account's uploads.
 */

export interface PersonalDataDeps {
  db: Db;
  readModel: ReadModel;
  keys: ProcessKeys;
  cipher: PiiCipher;
  /** RETENTION_UNFINISHED and RETENTION_REPLACED_SUBJECT. */
  periods: HeldPeriods;
}

/** Every page of a list the read model pages. */
async function all<T>(list: (limit: number, cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await list(100, cursor);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

/** SPEC §11, as the uploads' retention carries it out (store/upload-erasure.ts). */
const UPLOAD_RETENTION =
  'kept while a process that still holds personal data, or the current subject, uses it; otherwise deleted RETENTION_UNFINISHED after it was uploaded; deleted when the account closes';

export function buildPersonalDataService(deps: PersonalDataDeps) {
  type ProcessRow = { id: string; status: string; created_at: Date; completed_at: Date | null; change_id?: string | null; personal_data_erased_at?: Date | null };
  const date = (value: Date | null) => (value ? new Date(value) : null);
  /** The account's changes, as the replaced-subject rule reads them. */
  const ofSubject = (changes: ChangeRow[]): ChangeOfSubject[] => changes.map((c) => ({ id: c.id, type: c.type, status: c.status, createdAt: new Date(c.created_at), completedAt: date(c.completed_at) }));

  /** One process's entry: what it holds, and until when under which rule (`changes`: the account's, which may have replaced its subject). */
  const held = (kind: 'verification' | 'change' | 'lookup', row: ProcessRow, changes: ChangeOfSubject[], what: { type: string; source: string; personalData: Record<string, unknown>; erased: boolean }) => {
    const erased = what.erased || !!row.personal_data_erased_at;
    const replaced = kind === 'lookup' ? null : replacedAt({ id: row.id, createdAt: new Date(row.created_at), changeId: row.change_id ?? null }, changes);
    const held = { status: row.status, completedAt: date(row.completed_at), replacedAt: replaced, erased, lookup: kind === 'lookup' };
    const { keptUntil, retention } = personalDataKeptUntil(held, deps.periods);
    return { kind, id: row.id, ...what, erased, status: row.status, createdAt: timestamp(row.created_at)!, completedAt: timestamp(row.completed_at), keptUntil: timestamp(keptUntil), retention };
  };

  async function verification(row: VerificationRow, reveal: boolean, changes: ChangeOfSubject[]) {
    const reader = await deps.keys.readerFor(row);
    const personalData = subjectView(row, reveal, reader);
    return held('verification', row, changes, {
      type: row.method,
      source: row.change_id ? `the new subject of change ${row.change_id}, as submitted through the API` : 'the application submitted through the API, and the providers’ records',
      personalData,
      erased: Object.values(personalData).includes(ERASED),
    });
  }

  async function change(row: ChangeRow, reveal: boolean, changes: ChangeOfSubject[]) {
    // Admins see the people as submitted (sealed under the change's key, inside the PII key's seal); others the masked request.
    const sealed = reveal && row.request_enc ? (JSON.parse(deps.cipher.decrypt(row.request_enc)) as Record<string, unknown>) : null;
    // Names are sealed in the masked request too: opened for everyone, `[erased]` once the change's key is gone.
    const personalData = await openAll(sealed ?? row.request ?? {}, (value) => deps.keys.open(value));
    const erased = JSON.stringify(personalData).includes(ERASED);
    return held('change', row, changes, { type: row.type, source: 'the change request submitted through the API', personalData, erased });
  }

  /**
   * A "find my accounts" lookup the account's token made: the name and ID number given are held only sealed under the
   * lookup's own key, in its run; its row keeps the identity's keyed hash and the accounts it found.
   */
  function lookup(row: LookupRow) {
    const erased = !!row.personal_data_erased_at;
    return held('lookup', row, [], {
      type: row.subject_type,
      source: 'the identity given to find its accounts (name and ID number, sealed under the lookup’s key in its run), and the accounts found',
      personalData: erased ? { identity: ERASED, accountsFound: ERASED } : { identity: 'sealed', accountsFound: (row.accounts ?? []).map((a) => a.accountId) },
      erased,
    });
  }

  return {
    async of(principal: Principal, accountId: string): Promise<PersonalData> {
      const reveal = seesPlainPii(principal);
      const account = await deps.readModel.account(accountId);
      const verifications = await all((limit, cursor) => deps.readModel.verifications(accountId, limit, cursor));
      const changes = await all((limit, cursor) => deps.readModel.changes(accountId, limit, cursor));
      const uploads = await uploadsOfAccount(deps.db, accountId);
      const replacing = ofSubject(changes);
      return {
        accountId,
        closed: !!account?.closed_at,
        generatedAt: new Date().toISOString(),
        processes: [
          ...(await Promise.all(verifications.map((v) => verification(v, reveal, replacing)))),
          ...(await Promise.all(changes.map((c) => change(c, reveal, replacing)))),
          ...(await deps.readModel.lookupsOfAccount(accountId)).map(lookup),
        ],
        uploads: uploads.map((u) => ({
          id: u.id,
          purpose: u.purpose,
          contentType: u.content_type,
          size: Number(u.size),
          createdAt: timestamp(u.created_at)!,
          erased: isErasedUpload(u),
          retention: UPLOAD_RETENTION,
        })),
      };
    },
  };
}

export function personalDataRoutes(deps: RouteDeps, service: ReturnType<typeof buildPersonalDataService>): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/personal-data',
    summary: 'Everything held about the account’s subjects (right of access)',
    description:
      'SPEC §11 (PIPL Art. 45): each process’s personal data, where it came from and until when it is kept, and the account’s uploads, as one document. Masked except to admins; after erasure or closure, placeholders.',
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    responses: { 200: { description: 'The document', schema: PersonalDataSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await service.of(principal, params.accountId) }),
  });
}
