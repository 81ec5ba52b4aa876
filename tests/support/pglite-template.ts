import os from 'node:os';
import path from 'node:path';
import { createDatabase, dumpEmbeddedDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';

/**
 * Jest's globalSetup: on the embedded engine, one migrated PGlite database is made once per run and
 * every test gateway (tests/support/harness.ts) starts from a copy of it instead of running initdb
 * and every migration again — seconds per gateway on a busy two-core machine. Migrations themselves
 * stay tested: tests/database.test.ts migrates from nothing and back.
 */
export const TEMPLATE_ENV = 'SWITCHBOARD_TEST_PGLITE_TEMPLATE';

export default async function createPgliteTemplate(): Promise<void> {
  if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) return;
  const file = path.join(os.tmpdir(), `switchboard-pglite-template-${process.pid}.tar`);
  const db = createDatabase({ pgliteDataDir: ':memory:' });
  try {
    await migrateToLatest(db);
    await dumpEmbeddedDatabase(db, file);
  } finally {
    await db.destroy();
  }
  // Workers start after global set-up and inherit this environment.
  process.env[TEMPLATE_ENV] = file;
}
