import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_FILE, clientSchema } from '../../scripts/lib/client-schema';

/**
 * The typed client's committed types are the ones the current routes generate: a route, schema or
 * description changed without `npm run client:generate` fails here (the document is built in-process: offline).
 */
describe('clients/typescript/src/schema.d.ts', () => {
  it('is what `npm run client:generate` writes from the current OpenAPI document', async () => {
    const generated = await clientSchema();
    const committed = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');
    if (generated === committed) return;
    const [now, before] = [generated.split('\n'), committed.split('\n')];
    const line = now.findIndex((text, i) => text !== before[i]);
    expect.fail(`schema.d.ts is out of date with the routes (first at line ${line + 1}: ${JSON.stringify(now[line])}): run \`npm run client:generate\` and commit it`);
  }, 30_000);
});
