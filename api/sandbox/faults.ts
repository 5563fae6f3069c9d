import { z } from 'zod';
import { FAULT_PROVIDERS, type SandboxFaults } from '../../adapters/sandbox/faults';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';

const FaultSwitch = z
  .object({ down: z.boolean().meta({ description: 'true: every call the service makes to this provider fails as an outage would' }) })
  .meta({ id: 'SandboxFaultSwitch' });

const FaultState = z.object({ provider: z.enum(FAULT_PROVIDERS), down: z.boolean() }).meta({ id: 'SandboxFaultState' });

/** The sandbox's fault switch: a provider outage, reproducible by a person and by tests. */
export function sandboxFaultRoutes(deps: RouteDeps, sandbox: { faults: SandboxFaults }): void {
  defineRoute(deps, {
    method: 'put',
    path: '/sandbox/faults/{provider}',
    summary: 'Sandbox: take a provider down, or bring it back',
    description:
      'While a provider is down every call the service makes to it fails (the sandbox routes that play the user keep working). ' +
      'Workflows retry such calls until PROVIDER_CALL_TIMEOUT, then end the process failed with PROVIDER_UNAVAILABLE; ' +
      'a synchronous call (OCR) answers 503 PROVIDER_UNAVAILABLE. Refunds are retried without bound; notifications are given up without changing an outcome.',
    tags: ['sandbox'],
    auth: 'public',
    params: z.object({ provider: z.enum(FAULT_PROVIDERS) }),
    body: FaultSwitch,
    responses: { 200: { description: 'The switch, as set', schema: FaultState } },
    handler: async ({ params, body }) => {
      await sandbox.faults.set(params.provider, body.down);
      return { status: 200, body: { provider: params.provider, down: body.down } };
    },
  });
}
