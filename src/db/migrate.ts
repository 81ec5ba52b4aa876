import type { Db } from './database';
import { migrations } from '../../migrations';
import { APP_ROLE, appRoleUsable } from '../../migrations/20261223_017_row_level_security';
import { setTenantGuard } from './tenant-scope';

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

/**
 * Migrations run as the owner with every row in reach; then the gateway's statements switch to the
 * non-owner role behind row-level security (src/db/tenant-scope.ts), or stay the owner's, still
 * bound by FORCE ROW LEVEL SECURITY, where the role could not be set up (see rowLevelSecurityRole).
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  setTenantGuard(db, false);
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  const usable = await appRoleUsable(db);
  roles.set(db, usable ? APP_ROLE : null);
  setTenantGuard(db, { appRole: usable ? APP_ROLE : 'none' });
  return applied;
}

const roles = new WeakMap<Db, string | null>();

/** The role the gateway's statements run as after migrating; null: the login role (a warning to log). */
export function rowLevelSecurityRole(db: Db): string | null | undefined {
  return roles.get(db);
}

export async function rollbackAll(db: Db): Promise<void> {
  setTenantGuard(db, false);
  await db.migrate.rollback({ migrationSource }, true);
}
