import type { Knex } from 'knex';
import { SandboxFaceProvider } from './sandbox/face';
import { SandboxQqProvider } from './sandbox/qq';
import { SandboxTicketStore } from './sandbox/tickets';
import { SandboxWechatProvider } from './sandbox/wechat';
import type { Providers } from './types';

/** The sandbox implementations of every provider; their state lives in the service's database. */
export function createSandboxProviders(db: Knex): Providers {
  const tickets = new SandboxTicketStore(db);
  return { wechat: new SandboxWechatProvider(tickets), qq: new SandboxQqProvider(tickets), face: new SandboxFaceProvider(tickets) };
}
