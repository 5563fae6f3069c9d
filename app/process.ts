import { ConfigError, loadConfig, type Config } from '../platform/config';
import { createLogger, type Logger } from '../platform/logger';

/** What every entry point does first and last: read the configuration once, and stop once on Ctrl-C / SIGTERM. */

/** The configuration, validated; a bad one is told and ends the process. Development defaults are warned about loudly. */
export function configOrExit(): { config: Config; logger: Logger } {
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    for (const warning of config.warnings) logger.warn(`DEVELOPMENT DEFAULT: ${warning}`);
    return { config, logger };
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** The API keys for the banner, when the configuration fell back to the development ones. */
export function devKeysOf(config: Config): string[] | null {
  if (!config.warnings.some((w) => w.includes('development key'))) return null;
  return [`service: ${config.secrets.serviceApiKey}`, `reviewer: ${config.secrets.reviewerApiKey}`, `admin: ${config.secrets.adminApiKey}`];
}

/** A shutdown that runs `stop` once and exits with `code`; asked again while stopping, it exits at once. */
export function stopper(logger: Logger, stop: () => Promise<void>): (reason: string, code: number) => Promise<void> {
  let stopping = false;
  return async (reason, code) => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, 'stopping');
    await stop();
    logger.info('stopped');
    process.exit(code);
  };
}
