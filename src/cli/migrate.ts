import { loadConfig, loadDotEnv } from '../config/config';
import { createDatabase, engineName } from '../db/database';
import { migrateToLatest } from '../db/migrate';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function run() {
  loadDotEnv();
  const config = loadConfig();
  const db = createDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR });
  try {
    const applied = await migrateToLatest(db);
    console.log(
      `${engineName(db)}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}`,
    );
  } finally {
    await db.destroy();
  }
}

run().catch((error: unknown) => {
  console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
