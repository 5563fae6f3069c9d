import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
async function main() {
  const t = Date.now();
  const pg = await startEmbeddedPostgres({ dataDir: '/tmp/pgtry-data', port: 55432, logger: createLogger('info') });
  console.log('ready in', Date.now() - t, pg.url.replace(/:[^:@]+@/, ':***@'));
  await pg.stop();
  console.log('stopped', await pg.exited);
}
void main();
