/**
 * A person's step in a change of subject (SPEC §5): the holder, the former
 * legal person or the new person proves they are who the change names, by
 * face recognition (mainland ID) or a WeChat authorisation whose real-name
 * record must be theirs.
 */
import type { ChangeStep } from '../../domain/change-rules';
import type { FailureReason } from '../../domain/constants';
import { bankCardMissing, recordIsPerson } from '../kernel/identity';
import { ended, failed, type Ended } from '../kernel/outcome';
import { awaitQrEvent, QrSession } from '../kernel/qr';
import type { Holder } from '../change-messages';
import type { ChangeProcess, ChangeQr } from './process';

type Passed = { kind: 'passed' };
type Who = 'holder' | 'new_person';
type Via = 'face' | 'wechat';

/** The step each person waits in, by how they prove it. */
const PERSON_STEPS = {
  holder: { face: 'awaiting_holder_face', wechat: 'awaiting_holder_scan' },
  new_person: { face: 'awaiting_new_person_face', wechat: 'awaiting_new_person_scan' },
} as const satisfies Record<Who, Record<Via, ChangeStep>>;

/** `bankCardRequired`: the person is a legal person, whose WeChat must have a linked bank card (SPEC §4). */
export async function personStep(c: ChangeProcess, who: Who, person: Holder, via: Via, mismatch: FailureReason, options: { bankCardRequired?: boolean } = {}): Promise<Passed | Ended> {
  const step = PERSON_STEPS[who][via];
  const { timings } = c.input;
  const qr = new QrSession(c.run, {
    provider: via,
    waitingStep: step,
    timings,
    purpose: who,
    sessionKey: step,
    ...(via === 'face' ? { subject: { realName: person.realName, idNumber: person.idNumber } } : {}),
  });
  c.qr = qr;
  await qr.issue();
  c.run.remindBefore(c.deadline);
  c.shown();
  for (;;) {
    const scan = await awaitQrEvent(c.run, qr, c.deadline);
    if (scan.kind === 'ended') return scan;
    const { event } = scan;
    if (event.type === 'face.completed') {
      if (event.passed) return used(qr, { kind: 'passed' });
      if (await qr.failedAttempt()) return used(qr, ended(failed('FACE_MISMATCH')));
    } else if (event.type === 'authorization.scanned') {
      // SPEC §3: the WeChat record must be the person's own document (type, name and number).
      const theirs = await recordIsPerson({ realName: person.realName, idNumber: person.idNumber, idType: person.idType }, event.record);
      if (!theirs) return used(qr, ended(failed(mismatch)));
      return used(qr, options.bankCardRequired && bankCardMissing(event.record) ? ended(failed('BANK_CARD_REQUIRED')) : { kind: 'passed' });
    }
  }
}

/** The QR served its purpose: nothing is left to scan or revoke. */
function used<T>(qr: ChangeQr, result: T): T {
  qr.drop();
  return result;
}

/** The face step for a mainland ID, WeChat for a permit holder (API.md). */
export const viaFor = (person: Holder): Via => (person.idType === 'mainland_id' ? 'face' : 'wechat');
