import type { Knex } from 'knex';

/**
 * Row-level security on every tenant table, as a backstop behind the resolvers' checks (README,
 * "Isolation in depth"): a statement sees and writes only the rows of the organization named by the
 * connection's `app.org_id` setting, or every row when `app.platform` is 'on' (the platform code
 * paths: webhook intake before the organization is known, the job runner, the support view, the
 * legacy importer). An empty or missing setting is no organization: no row.
 *
 * FORCE: the policies bind the tables' owner too, so even a gateway that could not switch roles
 * (below) runs behind them; only superusers and BYPASSRLS roles pass, and the gateway is neither.
 *
 * The gateway's statements run as `switchboard_app`: NOLOGIN, not the owner (it cannot ALTER the
 * tables, drop a policy or turn RLS off), no BYPASSRLS; DML on the tables, and on `audit_log` only
 * SELECT and INSERT. The owner is made a member so it can `SET ROLE` to it (src/db/tenant-scope.ts).
 * Creating a role takes CREATEROLE: where the migrating user lacks it, the role is skipped with a
 * WARNING and the gateway logs that it runs as the owner (still bound by FORCE).
 * PGlite's user is the superuser `postgres`, whom RLS never binds: there the role is what makes the
 * policies apply at all.
 *
 * Platform tables without RLS: organizations (the tenant registry), jobs (the queue, claimed across
 * organizations), legacy_import_runs, usage_report_rows (ids only, reached through usage_reports).
 * A later migration that changes rows of these tables runs in platform scope (the migrator sets
 * `app.platform` = 'on'); a new tenant table adds itself to TENANT_TABLES' pattern in its own migration.
 */
export const APP_ROLE = 'switchboard_app';

export const TENANT_TABLES = [
  'integrations',
  'audit_log',
  'webhook_events',
  'conversations',
  'messages',
  'ai_settings',
  'ai_usage',
  'billing_accounts',
  'usage_reports',
] as const;

// The settings in scalar subqueries: evaluated once per statement (an InitPlan), not once per row,
// and the planner keeps the statement's own index and LIMIT plan (PGlite read 4x slower without).
const IN_SCOPE = `(organization_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)
      OR (SELECT current_setting('app.platform', true) = 'on'))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
      IF NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'role ${APP_ROLE} could not be created or granted (the migrating user needs CREATEROLE): the gateway will run as the owner, still bound by FORCE ROW LEVEL SECURITY';
    END $$`);
  const roleReady = await appRoleUsable(knex);
  if (roleReady) {
    // Schema-qualified through current_schema(): tests give each gateway a schema of its own.
    await knex.raw(`
      DO $$
      DECLARE s text := current_schema();
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${APP_ROLE}', s);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ${APP_ROLE}', s);
        EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO ${APP_ROLE}', s);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}', s);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${APP_ROLE}', s);
      END $$`);
    // Append-only for the gateway too, not only by trigger; the migration bookkeeping is the owner's.
    await knex.raw(`REVOKE UPDATE, DELETE ON audit_log FROM ${APP_ROLE}`);
    await knex.raw(`REVOKE ALL ON knex_migrations, knex_migrations_lock FROM ${APP_ROLE}`);
  }
  for (const table of TENANT_TABLES) {
    await knex.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await knex.raw(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    await knex.raw(`CREATE POLICY tenant_isolation ON ${table} USING ${IN_SCOPE} WITH CHECK ${IN_SCOPE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TENANT_TABLES) {
    await knex.raw(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
    await knex.raw(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
    await knex.raw(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
  }
  if (await appRoleUsable(knex)) {
    await knex.raw(`
      DO $$
      DECLARE s text := current_schema();
      BEGIN
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES FROM ${APP_ROLE}', s);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON SEQUENCES FROM ${APP_ROLE}', s);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM ${APP_ROLE}', s);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM ${APP_ROLE}', s);
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM ${APP_ROLE}', s);
      END $$`);
  }
  // The role itself stays: it is cluster-wide, and other databases or schemas may use it.
}

/** The role exists and the current user may SET ROLE to it. */
export async function appRoleUsable(knex: Knex): Promise<boolean> {
  const result = await knex.raw(
    `SELECT CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = ?)
       THEN pg_has_role(current_user, ?, 'MEMBER') ELSE false END AS usable`,
    [APP_ROLE, APP_ROLE],
  );
  return Boolean((result as { rows: Array<{ usable: boolean }> }).rows[0]?.usable);
}
