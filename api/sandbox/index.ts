import type { SandboxBank } from '../../adapters/sandbox/bank';
import type { SandboxFaults } from '../../adapters/sandbox/faults';
import type { SandboxNotifier } from '../../adapters/sandbox/notifier';
import type { SandboxOcrProvider } from '../../adapters/sandbox/ocr';
import type { SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import type { SandboxRegistry } from '../../adapters/sandbox/registry';
import type { SandboxTicketStore } from '../../adapters/sandbox/tickets';
import type { RouteDeps } from '../http/route';
import { sandboxBankRoutes } from './bank';
import { sandboxEnterpriseRoutes } from './enterprise';
import { sandboxFaultRoutes } from './faults';
import type { ProcessedWatch } from './processed';
import { sandboxRoutes } from './routes';

/** The sandbox providers' own sides, which only the sandbox's routes touch: the rest of the API sees providers through adapters/types. */
export interface SandboxParts {
  tickets: SandboxTicketStore;
  outbox: SandboxCallbackOutbox;
  ocr: SandboxOcrProvider;
  registry: SandboxRegistry;
  bank: SandboxBank;
  notifier: SandboxNotifier;
  faults: SandboxFaults;
}

/** /sandbox/…: the outside world for people and tests, mounted outside production only (SANDBOX_ENABLED). */
export function mountSandbox(deps: RouteDeps, parts: SandboxParts, processed: ProcessedWatch): void {
  // Both sandboxes answer `processed` the same way: one watch over the read model and Temporal.
  sandboxRoutes(deps, { tickets: parts.tickets, outbox: parts.outbox, processed });
  sandboxEnterpriseRoutes(deps, { ocr: parts.ocr, registry: parts.registry });
  sandboxBankRoutes(deps, { bank: parts.bank, notifier: parts.notifier, processed });
  sandboxFaultRoutes(deps, { faults: parts.faults });
}
