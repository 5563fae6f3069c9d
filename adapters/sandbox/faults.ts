import type { Db } from '../../platform/db';
import * as switches from '../../store/sandbox/faults';
import { ProviderUnavailableError, type Providers } from '../types';

/** The providers the fault switch can take down (`notify` is the notifier: email, SMS, WeChat messages). */
export const FAULT_PROVIDERS = ['wechat', 'qq', 'face', 'ocr', 'bank', 'registry', 'notify'] as const;
export type FaultProvider = (typeof FAULT_PROVIDERS)[number];

const KEY_OF: Record<keyof Providers, FaultProvider> = {
  wechat: 'wechat',
  qq: 'qq',
  face: 'face',
  ocr: 'ocr',
  bank: 'bank',
  registry: 'registry',
  notifier: 'notify',
};

/**
 * The sandbox's fault switch (PUT /sandbox/faults/{provider}): while a provider
 * is down, every call the service makes to it fails as an outage would. Kept in
 * the database, so API and worker processes see the same switch at once.
 */
export class SandboxFaults {
  constructor(private readonly db: Db) {}

  async set(provider: FaultProvider, down: boolean): Promise<void> {
    await switches.setFault(this.db, provider, down);
  }

  async isDown(provider: FaultProvider): Promise<boolean> {
    return switches.isDown(this.db, provider);
  }

  /** Throws ProviderUnavailableError while `provider` is down. */
  async check(provider: FaultProvider): Promise<void> {
    if (await this.isDown(provider)) throw new ProviderUnavailableError(provider);
  }
}

/**
 * The providers as the service calls them: each method first asks the fault
 * switch. (The sandbox routes that play the user use the providers directly,
 * so they keep working during an outage.)
 */
export function behindFaultSwitch(providers: Providers, faults: SandboxFaults): Providers {
  const wrap = <T extends object>(name: keyof Providers, target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await faults.check(KEY_OF[name]);
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return {
    wechat: wrap('wechat', providers.wechat),
    qq: wrap('qq', providers.qq),
    face: wrap('face', providers.face),
    ocr: wrap('ocr', providers.ocr),
    registry: wrap('registry', providers.registry),
    bank: wrap('bank', providers.bank),
    notifier: wrap('notifier', providers.notifier),
  };
}
