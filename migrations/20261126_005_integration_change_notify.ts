import type { Knex } from 'knex';

/**
 * Every change to an organization's integrations is announced on a PostgreSQL channel, whoever makes
 * it. Gateway instances keep integration rows in memory and drop an organization's rows the moment
 * they hear about a change (src/db/integration-changes.ts), so tenancy decisions never rest on a
 * stale row for longer than the notification takes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION notify_integration_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('switchboard_integration_changes', COALESCE(NEW.organization_id, OLD.organization_id)::text);
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER integrations_notify_change AFTER INSERT OR UPDATE OR DELETE ON integrations
      FOR EACH ROW EXECUTE FUNCTION notify_integration_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER integrations_notify_change ON integrations');
  await knex.raw('DROP FUNCTION notify_integration_change()');
}
