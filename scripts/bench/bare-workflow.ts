// The bare baseline: what one WeChat QR verification asks of Temporal, with nothing else.
// Opened by an Update-with-start answered after two activities (claim the slot, issue the QR),
// then one signal (the scan), then three more activities (verify, release, notify): five
// activities, seven workflow tasks, one Update, one signal, one timer.
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  step(name: string): Promise<string>;
}

export const openedUpdate = defineUpdate<string>('opened');
export const scannedSignal = defineSignal<[string]>('scanned');

const { step } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export async function bareVerification(): Promise<string> {
  let opened = false;
  let scan: string | undefined;
  setHandler(openedUpdate, async () => {
    await condition(() => opened);
    return 'awaiting_scan';
  });
  setHandler(scannedSignal, (event) => void (scan = event));
  await step('open');
  await step('issue_qr');
  opened = true;
  // Raced against the verification's deadline, as the real one is (one timer).
  if (!(await condition(() => scan !== undefined, '24 hours'))) return 'expired';
  await step('verify');
  await step('close');
  await step('notify');
  return 'verified';
}
