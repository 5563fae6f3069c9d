import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { DevServerOptions } from '../platform/temporal-dev-server';
import { requireTool } from '../platform/tools';

/**
 * The embedded Temporal dev server as the configuration describes it (one-machine.ts, and the single-process start in
 * service.ts). `withCodec`: the Web UI reads payloads through this service's codec endpoint (personal data masked),
 * which only a process serving the API can answer.
 */
export function devServerOptions(config: Config, logger: Logger, withCodec: boolean): DevServerOptions {
  return {
    cliPath: config.temporal.cliPath ?? requireTool('temporal'),
    dataDir: config.dataDir,
    port: config.temporal.devPort,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    logger,
    ...(withCodec ? { codecEndpoint: `${config.publicBaseUrl}/codec` } : {}),
  };
}
