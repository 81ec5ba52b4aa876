import type { Knex } from 'knex';

/**
 * ACCOUNT_CLAIM_POLICY=approval: a connection waits as `pending` until a platform administrator
 * approves it or the organization proves control of the account (`claim_token`, the value it sets
 * where the provider lets it, e.g. a Shopify shop metafield). A pending row holds no claim: the
 * partial unique index `integrations_account_claim` still covers only `connected` and `error`, so a
 * pending claim never blocks the account's real owner, and webhooks are never routed to it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE integrations DROP CONSTRAINT integrations_status_check`);
  await knex.raw(
    `ALTER TABLE integrations ADD CONSTRAINT integrations_status_check CHECK (status IN ('connected', 'disconnected', 'error', 'pending'))`,
  );
  await knex.raw(`ALTER TABLE integrations ADD COLUMN claim_token TEXT`);
  // The support view lists pending claims across organizations, oldest first.
  await knex.raw(
    `CREATE INDEX integrations_pending_claims ON integrations (connected_at) WHERE status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS integrations_pending_claims`);
  await knex.raw(`UPDATE integrations SET status = 'disconnected' WHERE status = 'pending'`);
  await knex.raw(`ALTER TABLE integrations DROP COLUMN claim_token`);
  await knex.raw(`ALTER TABLE integrations DROP CONSTRAINT integrations_status_check`);
  await knex.raw(
    `ALTER TABLE integrations ADD CONSTRAINT integrations_status_check CHECK (status IN ('connected', 'disconnected', 'error'))`,
  );
}
