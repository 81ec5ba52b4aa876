import type { Db } from './database';
import { migrations } from '../../migrations';

/**
 * Migrations are listed statically (migrations/index.ts) rather than discovered on disk, so they run
 * the same under tsx, jest and compiled JavaScript.
 */
const migrationSource = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name: string) => name,
  getMigration: async (name: string) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
