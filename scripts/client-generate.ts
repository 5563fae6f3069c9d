// `npm run client:generate`: regenerates the typed client's types from the API's OpenAPI document, built in-process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_SCHEMA_FILE, clientSchema } from './lib/client-schema';

void clientSchema().then((text) => {
  writeFileSync(CLIENT_SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), CLIENT_SCHEMA_FILE)}`);
});
