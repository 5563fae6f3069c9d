// `npm run api`: the REST API alone, for the scaled-out topology (TEMPORAL_ADDRESS and DATABASE_URL required).
import { run } from '../app/launch';

void run({ api: true, worker: false, embeddedTemporal: false }, (s) => `API listening on ${s.apiUrl} (Temporal ${s.temporalAddress}, ${s.database})`);
