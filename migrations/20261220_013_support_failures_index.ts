import type { Knex } from 'knex';

/**
 * The support view (Query.supportAttention) counts each organization's recent failed actions across
 * all organizations; without an index that reads the whole audit log. Failures are a small part of
 * it, so a partial index keeps both the index and the read small.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX audit_log_recent_failures ON audit_log (at) WHERE outcome = 'error'`);
  await knex.raw(
    `CREATE INDEX webhook_events_failing ON webhook_events (organization_id) WHERE state IN ('failed', 'dead')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX webhook_events_failing');
  await knex.raw('DROP INDEX audit_log_recent_failures');
}
