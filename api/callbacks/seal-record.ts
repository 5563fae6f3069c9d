import { lookupKeyOwner } from '../../domain/identity-lookup';
import type { RealNameRecord } from '../../domain/real-name-record';
import type { ProcessKeys } from '../../platform/data-keys';
import type { ReadModel } from '../../store/read-model';
import type { ProviderEvent } from '../../workflows/messages';

/**
 * A provider's real-name record (the name, ID number and birth date WeChat or
 * QQ hold) is personal data of the process it is sent to: sealed under that
 * process's data key before it enters the workflow's history (SPEC §11), so
 * erasing the process erases it there too. The workflow compares it through
 * an activity that opens it (workflows/kernel/identity.ts).
 */
export function recordSealer(deps: { readModel: Pick<ReadModel, 'verification' | 'change' | 'lookup'>; keys: ProcessKeys }) {
  async function processOf(workflowId: string): Promise<{ processId: string; accountId: string } | undefined> {
    const [kind, id] = workflowId.split('/');
    if (!id) return undefined;
    if (kind === 'lookup') {
      // A permit holder's WeChat record, for a "find my accounts" lookup: under the lookup's key, filed as its values are.
      const lookup = await deps.readModel.lookup(id);
      return lookup ? { processId: id, accountId: lookupKeyOwner(id, lookup.account_id) } : undefined;
    }
    const row = kind === 'verification' ? await deps.readModel.verification(id) : kind === 'change' ? await deps.readModel.change(id) : undefined;
    return row ? { processId: id, accountId: row.account_id } : undefined;
  }

  return async function sealed(workflowId: string, event: ProviderEvent): Promise<ProviderEvent> {
    if (event.type !== 'authorization.scanned') return event;
    const process = await processOf(workflowId);
    // No such process: the signal finds no one to act on it.
    if (!process) return event;
    const seal = (value: string) => deps.keys.seal(process, value);
    const { record } = event;
    const [realName, idNumber, birthDate] = await Promise.all([seal(record.realName), seal(record.idNumber), record.birthDate === null ? null : seal(record.birthDate)]);
    const sealedRecord: RealNameRecord = { ...record, realName, idNumber, birthDate };
    return { ...event, record: sealedRecord };
  };
}
