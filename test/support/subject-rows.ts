import { randomBytes } from 'node:crypto';
import { switchSubject } from '../../activities/subject-switch';
import type { PiiCipher } from '../../platform/crypto';
import type { ProcessKeys } from '../../platform/data-keys';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { openChange } from '../../store/changes';
import { completeVerification, finishVerification, openVerification } from '../../store/verifications';
import type { ChangeRequest } from '../../workflows/change-messages';

/**
 * An account's history built through the store, as the workflows write it:
 * verifications and changes with their people sealed under their own data
 * keys, and a change's switch run for real (activities/subject-switch.ts).
 * For tests of what retention erases of it.
 */

const MESSAGE = { title: 't', body: 'b' };
const MESSAGES = { verified: MESSAGE, completed: MESSAGE, quotaExceeded: MESSAGE };

export interface Sealing {
  db: Db;
  cipher: PiiCipher;
  keys: ProcessKeys;
}

export interface Person {
  realName: string;
  idNumber: string;
}

const masked = (idNumber: string) => `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`;
const hash = () => randomBytes(16).toString('hex');

/** An individual's verification, its ID number sealed under its own key; ended as `status`. */
export async function individualVerification(s: Sealing, accountId: string, person: Person, status: 'verified' | 'failed'): Promise<string> {
  const id = newId('ver');
  await openVerification(s.db, {
    id,
    accountId,
    workflowId: `verification/${id}`,
    subjectType: 'individual',
    method: 'wechat_qr',
    subject: { realName: person.realName, idType: 'mainland_id', idNumber: masked(person.idNumber) },
    idNumberEnc: await s.keys.seal({ processId: id, accountId }, person.idNumber),
    identityHash: hash(),
    expiresAt: null,
  });
  if (status === 'verified') await completeVerification(s.db, { verificationId: id, revision: 10, messages: MESSAGES });
  else await finishVerification(s.db, { verificationId: id, revision: 10, outcome: { status: 'failed', failureReason: 'NAME_MISMATCH' }, message: MESSAGE });
  return id;
}

async function openedChange(s: Sealing, accountId: string, request: ChangeRequest, changeId = newId('chg')): Promise<string> {
  const opened = await openChange(s.db, {
    id: changeId,
    accountId,
    workflowId: `change/${changeId}`,
    type: request.type,
    request: { type: request.type },
    requestEnc: s.cipher.encrypt(JSON.stringify(request)),
    expiresAt: new Date(Date.now() + 7 * 24 * 3600_000),
    cooldownMs: 0,
  });
  if (!opened.opened) throw new Error(`change refused: ${JSON.stringify(opened.refusal)}`);
  return changeId;
}

const sealPerson = async (s: Sealing, process: { processId: string; accountId: string }, p: Person) => ({
  realName: await s.keys.seal(process, p.realName),
  idType: 'mainland_id',
  idNumber: await s.keys.seal(process, p.idNumber),
});

/** An individual → individual change to `next`, switched: the new person is sealed under the change's own key. */
export async function personChange(s: Sealing, accountId: string, holder: Person, next: Person): Promise<string> {
  const changeId = newId('chg');
  const process = { processId: changeId, accountId };
  const newPerson = { ...(await sealPerson(s, process, next)), industry: 'internet', address: { region: '北京市', detail: '1 号' } };
  await openedChange(s, accountId, { type: 'individual_to_individual', holder: await sealPerson(s, process, holder), newPerson, newIdentityHash: hash() } as ChangeRequest, changeId);
  await switchSubject(s.db, s, { changeId, revision: 10, messages: MESSAGES });
  return changeId;
}

/** A change of `type` that ended without completing (its request sealed, nothing switched). */
export async function revokedChange(s: Sealing, accountId: string, holder: Person): Promise<string> {
  const changeId = newId('chg');
  const request = { type: 'individual_to_individual', holder: await sealPerson(s, { processId: changeId, accountId }, holder), newIdentityHash: hash() } as unknown as ChangeRequest;
  await openedChange(s, accountId, request, changeId);
  await s.db('changes').where({ id: changeId }).update({ status: 'revoked', completed_at: s.db.fn.now() });
  await s.db('accounts').where({ id: accountId }).update({ open_process_kind: null, open_process_id: null });
  return changeId;
}

/** An individual → enterprise change whose new enterprise (licence `licenseUploadId`) was verified under its own key, switched. */
export async function enterpriseChange(s: Sealing, accountId: string, holder: Person, enterprise: { name: string; licenseUploadId: string; legalPerson: Person }) {
  const changeId = newId('chg');
  await openedChange(s, accountId, { type: 'individual_to_enterprise', holder: await sealPerson(s, { processId: changeId, accountId }, holder) } as unknown as ChangeRequest, changeId);
  const verificationId = newId('ver');
  const legalPerson = { name: enterprise.legalPerson.realName, idNumber: masked(enterprise.legalPerson.idNumber) };
  await openVerification(s.db, {
    id: verificationId,
    accountId,
    workflowId: `verification/${verificationId}`,
    subjectType: 'enterprise',
    method: 'legal_person_face',
    subject: { licenseType: 'business_license', licenseUploadId: enterprise.licenseUploadId, name: enterprise.name, creditCode: '91110000600000000X', legalPerson },
    idNumberEnc: null,
    piiEnc: await s.keys.seal({ processId: verificationId, accountId }, JSON.stringify({ legalPerson: { idNumber: enterprise.legalPerson.idNumber } })),
    identityHash: hash(),
    expiresAt: null,
    changeId,
  });
  await completeVerification(s.db, { verificationId, revision: 10, messages: MESSAGES });
  await switchSubject(s.db, s, { changeId, revision: 10, messages: MESSAGES });
  return { changeId, verificationId };
}

/** The change completed `ms` ago (its switch ran just now: only its age matters to retention). */
export const completedAgo = (db: Db, changeId: string, ms: number) => db('changes').where({ id: changeId }).update({ completed_at: new Date(Date.now() - ms) });
