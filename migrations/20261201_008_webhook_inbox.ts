import type { Knex } from 'knex';

/**
 * The webhook inbox's processing states and routing columns (README, "Webhooks"). `seq` orders the
 * GraphQL lists with a cursor that survives JavaScript's millisecond dates.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_state_check`);
  await knex.raw(`
    ALTER TABLE webhook_events
      ADD CONSTRAINT webhook_events_state_check CHECK (state IN
        ('pending', 'processing', 'done', 'failed', 'dead', 'unrouted', 'unsupported')),
      ADD COLUMN seq BIGSERIAL,
      ADD COLUMN topic TEXT,
      ADD COLUMN account_key TEXT,
      ADD COLUMN processed_at TIMESTAMPTZ,
      ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()`);
  await knex.raw(`CREATE INDEX webhook_events_org_recent ON webhook_events (organization_id, seq DESC)`);
  await knex.raw(
    `CREATE INDEX webhook_events_unrouted ON webhook_events (seq DESC) WHERE organization_id IS NULL`,
  );
  // Privacy requests redact every stored payload of one account.
  await knex.raw(`CREATE INDEX webhook_events_account ON webhook_events (provider, account_key)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX webhook_events_account`);
  await knex.raw(`DROP INDEX webhook_events_unrouted`);
  await knex.raw(`DROP INDEX webhook_events_org_recent`);
  await knex.raw(`
    ALTER TABLE webhook_events
      DROP COLUMN seq, DROP COLUMN topic, DROP COLUMN account_key, DROP COLUMN processed_at,
      DROP COLUMN updated_at, DROP CONSTRAINT webhook_events_state_check`);
  await knex.raw(`
    UPDATE webhook_events SET state = 'failed' WHERE state IN ('dead', 'unrouted')`);
  await knex.raw(`
    ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_state_check
      CHECK (state IN ('pending', 'processing', 'done', 'failed', 'unsupported'))`);
}
