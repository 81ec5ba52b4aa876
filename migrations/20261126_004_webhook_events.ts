import type { Knex } from 'knex';

/** Inbox of provider webhooks: a provider's retry of the same event is acknowledged, not processed twice. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE webhook_events (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      provider VARCHAR(50) NOT NULL,
      provider_event_id TEXT NOT NULL,
      organization_id UUID REFERENCES organizations(id) ON DELETE CASCADE,
      received_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      payload JSONB NOT NULL,
      state VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'done', 'failed', 'unsupported')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      UNIQUE (provider, provider_event_id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_events');
}
