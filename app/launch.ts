import type { ReadyMessage } from './child-process';
import { configOrExit, devKeysOf, stopper } from './process';
import { startService, type Roles, type RunningService } from './service';

/**
 * The process wrapper of every entry point: configuration read and validated
 * once, loud warnings about development defaults, a banner with the addresses,
 * and a clean stop on Ctrl-C / SIGTERM (a second signal forces the exit).
 */
export async function run(roles: Roles, banner: (service: RunningService, devKeys: string[] | null) => string | Promise<string>): Promise<void> {
  const { config, logger } = configOrExit();
  let service: RunningService;
  try {
    service = await startService(config, logger, roles);
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
  process.stdout.write((await banner(service, devKeysOf(config))) + '\n');

  const shutdown = stopper(logger, () => service.stop());
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
