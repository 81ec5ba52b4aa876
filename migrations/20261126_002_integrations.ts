import type { Knex } from 'knex';

/**
 * The seed's `integrations` table exactly, plus `account_key` (the normalized identifier) with a
 * partial unique index: an account can be held by one organization at a time per provider, which is
 * what stops a tenant from reading another's store under the shared admin credentials.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE integrations (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id UUID REFERENCES organizations(id) ON DELETE CASCADE,
      provider VARCHAR(50) NOT NULL,
      status VARCHAR(20) DEFAULT 'disconnected',
      account_identifier JSONB,
      connected_at TIMESTAMP,
      last_synced_at TIMESTAMP,
      sync_status VARCHAR(50),
      error_message TEXT,
      created_at TIMESTAMP DEFAULT NOW(),
      updated_at TIMESTAMP DEFAULT NOW(),
      UNIQUE(organization_id, provider)
    )`);
  await knex.raw(`ALTER TABLE integrations ADD COLUMN account_key TEXT`);
  await knex.raw(
    `ALTER TABLE integrations ADD CONSTRAINT integrations_status_check CHECK (status IN ('connected', 'disconnected', 'error'))`,
  );
  // A row in `error` still holds its claim: the account is connected, its calls are failing.
  await knex.raw(`
    CREATE UNIQUE INDEX integrations_account_claim
      ON integrations (provider, account_key)
      WHERE status IN ('connected', 'error')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('integrations');
}
