// `npm run worker`: a worker alone, for the scaled-out topology (TEMPORAL_ADDRESS and DATABASE_URL required).
import { run } from '../app/launch';

void run({ api: false, worker: true, embeddedTemporal: false }, (s) => `Worker polling on ${s.temporalAddress} (${s.database})`);
