// `npm start`: the whole service on one machine.
import { run } from './launch';

void run({ api: true, worker: true, embeddedTemporal: true }, (s, devKeys) =>
  [
    '',
    'Real-name verification service is running',
    `  API           ${s.apiUrl}`,
    `  API docs      ${s.apiUrl}/docs   (OpenAPI: ${s.apiUrl}/openapi.json)`,
    `  Sandbox       ${s.apiUrl}/sandbox/...`,
    `  Temporal      ${s.temporalAddress}`,
    `  Temporal UI   ${s.temporalUiUrl ?? '(the cluster’s own UI)'}`,
    `  Database      ${s.database}`,
    ...(devKeys ? ['  Dev API keys  ' + devKeys.join(', ')] : []),
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
