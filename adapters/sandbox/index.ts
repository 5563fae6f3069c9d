import type { Db } from '../../platform/db';
import type { PiiCipher } from '../../platform/crypto';
import { SandboxBank } from './bank';
import { SandboxFaceProvider } from './face';
import { behindFaultSwitch, SandboxFaults } from './faults';
import { SandboxNotifier } from './notifier';
import { SandboxOcrProvider } from './ocr';
import type { SandboxCallbackOutbox } from './outbox';
import { SandboxQqProvider } from './qq';
import { SandboxRegistry } from './registry';
import { SandboxTicketStore } from './tickets';
import { SandboxWechatProvider } from './wechat';
import type { Providers } from '../types';

export interface SandboxProviders extends Providers {
  tickets: SandboxTicketStore;
  ocr: SandboxOcrProvider;
  registry: SandboxRegistry;
  bank: SandboxBank;
  notifier: SandboxNotifier;
  faults: SandboxFaults;
  /** The providers as the service calls them: behind the sandbox's fault switch. */
  service: Providers;
}

/**
 * The sandbox implementations of every provider; their state lives in the
 * service's database and they answer through the callback outbox.
 */
export function createSandboxProviders(deps: {
  db: Db;
  cipher: PiiCipher;
  outbox: SandboxCallbackOutbox;
  payoutDelayMs: number;
  platformAccount: { accountName: string; accountNumber: string };
}): SandboxProviders {
  const { db, cipher } = deps;
  const tickets = new SandboxTicketStore(db);
  const faults = new SandboxFaults(db);
  const providers = {
    tickets,
    wechat: new SandboxWechatProvider(tickets),
    qq: new SandboxQqProvider(tickets),
    face: new SandboxFaceProvider(tickets),
    ocr: new SandboxOcrProvider(db),
    registry: new SandboxRegistry(db, cipher),
    bank: new SandboxBank({ db, cipher, outbox: deps.outbox, payoutDelayMs: deps.payoutDelayMs, platformAccount: deps.platformAccount }),
    notifier: new SandboxNotifier(db),
  };
  return { ...providers, faults, service: behindFaultSwitch(providers, faults) };
}
