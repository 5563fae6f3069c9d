import type { Knex } from 'knex';
import { SandboxTicketStore } from './sandbox/tickets';
import { SandboxWechatProvider } from './sandbox/wechat';
import type { Providers } from './types';

/** The sandbox implementations of every provider; their state lives in the service's database. */
export function createSandboxProviders(db: Knex): Providers {
  const tickets = new SandboxTicketStore(db);
  return { wechat: new SandboxWechatProvider(tickets) };
}
