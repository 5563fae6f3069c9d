// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import { loadConfig } from '../platform/config';
import { createDb, describeDb, migrateLatest } from '../platform/db';

async function main() {
  const config = loadConfig();
  const options = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
  const db = createDb(options);
  try {
    const applied = await migrateLatest(db);
    console.log(applied.length ? `applied to ${describeDb(options)}: ${applied.join(', ')}` : `${describeDb(options)} is up to date`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
