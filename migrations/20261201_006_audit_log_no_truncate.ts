import type { Knex } from 'knex';

/**
 * The append-only rule of 20261126_003 covered UPDATE and DELETE row by row; TRUNCATE fires no row
 * trigger and emptied the table. A statement trigger refuses it too. (Dropping the table stays
 * possible for whoever owns it: that is a schema change, made by a migration, not a data change.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER audit_log_no_truncate ON audit_log');
}
