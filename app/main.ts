// `npm start`: the whole service on one machine.
import { run } from './launch';
import type { RunningService } from './service';

/** The banner's link to the applicant's pages: minted like any other, for a new demo account; a failure is told, not fatal. */
async function pagesLine(s: RunningService): Promise<string[]> {
  if (!s.demoPagesLink) return [];
  const link = await s.demoPagesLink().catch((err: unknown) => `(no link: ${(err as Error).message})`);
  return [`  Applicant pages  ${link}   (one-time, 1 h; npm run pages:link mints another)`];
}

void run({ api: true, worker: true, embeddedTemporal: true }, async (s, devKeys) =>
  [
    '',
    'Real-name verification service is running',
    `  API           ${s.apiUrl}`,
    `  API docs      ${s.apiUrl}/docs   (OpenAPI: ${s.apiUrl}/openapi.json)`,
    `  Sandbox       ${s.apiUrl}/sandbox/...`,
    ...(await pagesLine(s)),
    `  Temporal      ${s.temporalAddress}`,
    `  Temporal UI   ${s.temporalUiUrl ?? '(the cluster’s own UI)'}`,
    `  Database      ${s.database}`,
    ...(devKeys ? ['  Dev API keys  ' + devKeys.join(', ')] : []),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
