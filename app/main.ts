// `npm start`: the whole service on one machine.
import { run } from './launch';
import { canRunPostgres, configOrExit, pgliteLeftBehind, startOneMachine, type OneMachine } from './one-machine';
import type { RunningService } from './service';

interface Banner {
  apiUrl: string | null;
  pagesLink: string | null;
  temporalAddress: string;
  temporalUiUrl: string | null;
  database: string;
  workerMetricsUrl?: string | null;
}

function banner(s: Banner, devKeys: string[] | null): string {
  return [
    '',
    'Real-name verification service is running',
    `  API           ${s.apiUrl}`,
    `  API docs      ${s.apiUrl}/docs   (OpenAPI: ${s.apiUrl}/openapi.json)`,
    `  Sandbox       ${s.apiUrl}/sandbox/...`,
    ...(s.pagesLink ? [`  Applicant pages  ${s.pagesLink}   (one-time, 1 h; npm run pages:link mints another)`] : []),
    `  Temporal      ${s.temporalAddress}`,
    `  Temporal UI   ${s.temporalUiUrl ?? '(the cluster’s own UI)'}`,
    `  Database      ${s.database}`,
    ...(s.workerMetricsUrl ? [`  Metrics       ${s.apiUrl}/metrics (API), ${s.workerMetricsUrl} (worker)`] : []),
    ...(devKeys ? ['  Dev API keys  ' + devKeys.join(', ')] : []),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** The older single-process start, with PGlite inside it (EMBEDDED_DB=pglite, or a platform without server binaries). */
function singleProcess(): void {
  const pagesLine = async (s: RunningService) => (s.demoPagesLink ? await s.demoPagesLink().catch((err: unknown) => `(no link: ${(err as Error).message})`) : null);
  void run({ api: true, worker: true, embeddedTemporal: true }, async (s, devKeys) => banner({ ...s, pagesLink: await pagesLine(s) }, devKeys));
}

async function supervised(): Promise<void> {
  const { config, logger } = configOrExit();
  const leftBehind = pgliteLeftBehind(config);
  if (leftBehind) {
    console.error(leftBehind);
    process.exit(1);
  }
  if (!(await canRunPostgres(config))) {
    logger.warn({ platform: `${process.platform}-${process.arch}` }, 'no embedded PostgreSQL for this platform: running everything in one process with PGlite');
    return singleProcess();
  }
  let machine: OneMachine;
  try {
    machine = await startOneMachine(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
  const devKeys = config.warnings.some((w) => w.includes('development key'))
    ? [`service: ${config.secrets.serviceApiKey}`, `reviewer: ${config.secrets.reviewerApiKey}`, `admin: ${config.secrets.adminApiKey}`]
    : null;
  process.stdout.write(banner(machine, devKeys) + '\n');

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, 'stopping');
    await machine.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

if (process.env.EMBEDDED_DB === 'pglite' && !process.env.DATABASE_URL) singleProcess();
else void supervised();
