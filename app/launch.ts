import { ConfigError, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { ReadyMessage } from './child-process';
import { startService, type Roles, type RunningService } from './service';

/**
 * The process wrapper of every entry point: configuration read and validated
 * once, loud warnings about development defaults, a banner with the addresses,
 * and a clean stop on Ctrl-C / SIGTERM (a second signal forces the exit).
 */
export async function run(roles: Roles, banner: (service: RunningService, devKeys: string[] | null) => string | Promise<string>): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(`DEVELOPMENT DEFAULT: ${warning}`);

  let service: RunningService;
  try {
    service = await startService(config, logger, roles);
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }

  const devKeys = config.warnings.some((w) => w.includes('development key'))
    ? [`service: ${config.secrets.serviceApiKey}`, `reviewer: ${config.secrets.reviewerApiKey}`, `admin: ${config.secrets.adminApiKey}`]
    : null;
  process.stdout.write((await banner(service, devKeys)) + '\n');

  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, 'stopping');
    await service.stop();
    logger.info('stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  void service.failed.then(() => shutdown('a component failed', 1));
  // Under `npm start` (app/child-process.ts) the supervisor decides when to stop (SIGTERM, in order): the terminal's
  // Ctrl-C, which reaches every process of the group, is left to it. The child says when it is ready, and stops
  // when the supervisor is gone.
  if (!process.send) process.on('SIGINT', () => void shutdown('SIGINT', 0));
  else {
    process.on('SIGINT', () => undefined);
    process.on('disconnect', () => void shutdown('the supervisor is gone', 0));
    const ready: ReadyMessage = { type: 'ready', apiUrl: service.apiUrl };
    process.send(ready);
  }
}
