// `npx tsx clients/typescript/examples/catch-up.ts whe_… 2026-12-01T08:00:00Z` with `npm start` running: the README's typed catch-up.
import { createClient } from '../src/index.js';

const api = createClient({ baseUrl: 'http://127.0.0.1:3000', token: 'dev-service-key' });
const [endpointId = 'whe_…', downSince = new Date(Date.now() - 4 * 86_400_000).toISOString()] = process.argv.slice(2);

// 1. What happened while the receiver was down, newest first, as it would have received it.
const missed = await api.GET('/v1/events', { params: { query: { since: downSince, limit: 100 } } });
for (const event of missed.data?.items ?? []) console.log(event.id, event.type, event.createdAt);

// 2. Turn the endpoint back on (it was disabled after three days of failures), then have it all sent again:
//    the same event ids (deduplicate on them), signed now, each resource's events in order.
await api.PATCH('/v1/webhook-endpoints/{id}', { params: { path: { id: endpointId } }, body: { status: 'enabled' } });
const replay = await api.POST('/v1/webhook-endpoints/{id}/replay', { params: { path: { id: endpointId } }, body: { since: downSince } });
console.log(replay.data?.queued ?? replay.error?.code);
