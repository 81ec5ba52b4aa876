import type { Knex } from 'knex';

/**
 * Conversations and messages of the messaging channels (README, "Conversations and live updates").
 * Tenant tables like `integrations`: `organization_id` on every row, removed with the organization.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE conversations (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      channel VARCHAR(50) NOT NULL,
      account_key TEXT NOT NULL,
      contact_id TEXT NOT NULL,
      contact_name TEXT,
      last_inbound_at TIMESTAMPTZ,
      last_activity_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      last_read_at TIMESTAMPTZ,
      needs_human BOOLEAN NOT NULL DEFAULT FALSE,
      status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      seq BIGSERIAL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      UNIQUE (organization_id, channel, account_key, contact_id)
    )`);
  // The list: an organization's conversations by last activity (seq breaks ties for the cursor).
  await knex.raw(
    `CREATE INDEX conversations_org_activity ON conversations (organization_id, last_activity_at DESC, seq DESC)`,
  );
  // WhatsApp's shared number: who last wrote to this contact from this number.
  await knex.raw(`CREATE INDEX conversations_contact ON conversations (channel, account_key, contact_id)`);

  await knex.raw(`
    CREATE TABLE messages (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      channel VARCHAR(50) NOT NULL,
      direction VARCHAR(10) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      status VARCHAR(20) NOT NULL
        CHECK (status IN ('pending', 'received', 'queued', 'sent', 'delivered', 'read', 'failed')),
      provider_message_id TEXT,
      kind VARCHAR(20) NOT NULL,
      text TEXT,
      attachments JSONB,
      quick_replies JSONB,
      buttons JSONB,
      template JSONB,
      quick_reply_payload TEXT,
      postback JSONB,
      error_code TEXT,
      error_message TEXT,
      idempotency_key TEXT,
      sent_by TEXT,
      seq BIGSERIAL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      status_at TIMESTAMPTZ
    )`);
  await knex.raw(
    `CREATE UNIQUE INDEX messages_idempotency ON messages (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
  );
  await knex.raw(
    `CREATE UNIQUE INDEX messages_provider_id ON messages (channel, provider_message_id) WHERE provider_message_id IS NOT NULL`,
  );
  await knex.raw(`CREATE INDEX messages_conversation ON messages (conversation_id, created_at, seq)`);
  await knex.raw(`CREATE INDEX messages_org ON messages (organization_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE messages`);
  await knex.raw(`DROP TABLE conversations`);
}
