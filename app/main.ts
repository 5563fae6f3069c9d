// `npm start`: the whole service on one machine.
import { canRunPostgres, pgliteLeftBehind, startOneMachine, type OneMachine } from './one-machine';
import { configOrExit, devKeysOf, stopper } from './process';
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

/**
 * The older single-process start, with PGlite inside it (EMBEDDED_DB=pglite, or a platform without server binaries).
 * Loaded only then: the supervisor itself never loads the service's modules (the Temporal SDK, Express).
 */
async function singleProcess(): Promise<void> {
  const { run } = await import('./launch.js');
  const pagesLine = async (s: RunningService) => (s.demoPagesLink ? await s.demoPagesLink().catch((err: unknown) => `(no link: ${(err as Error).message})`) : null);
  await run({ api: true, worker: true, embeddedTemporal: true }, async (s, devKeys) => banner({ ...s, pagesLink: await pagesLine(s) }, devKeys));
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
    return await singleProcess();
  }
  // Signals are heard from the first moment: a stop asked for while starting waits for the start, then stops it all.
  const starting = startOneMachine(config, logger);
  const shutdown = stopper(logger, async () => (await starting.catch(() => null))?.stop());
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  let machine: OneMachine;
  try {
    machine = await starting;
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
  process.stdout.write(banner(machine, devKeysOf(config)) + '\n');
}

if (process.env.EMBEDDED_DB === 'pglite' && !process.env.DATABASE_URL) void singleProcess();
else void supervised();
