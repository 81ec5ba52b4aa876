import type { Knex } from 'knex';

/**
 * Append-only record of every integration action and mutation. No foreign key to organizations: the
 * trail must outlive what it describes. A trigger refuses UPDATE and DELETE.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE audit_log (
      id BIGSERIAL PRIMARY KEY,
      at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      request_id TEXT,
      organization_id UUID NOT NULL,
      actor_id TEXT,
      actor_role TEXT,
      action TEXT NOT NULL,
      provider VARCHAR(50),
      account_key TEXT,
      outcome VARCHAR(10) NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
      error_code TEXT,
      arguments JSONB
    )`);
  await knex.raw(`CREATE INDEX audit_log_org_recent ON audit_log (organization_id, id DESC)`);
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`);
  await knex.raw(`
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE audit_log');
  await knex.raw('DROP FUNCTION audit_log_append_only()');
}
