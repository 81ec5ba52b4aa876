import type { Knex } from 'knex';

/**
 * AI settings and usage per organization (README, "AI"). `ai_settings` holds an organization's
 * overrides (a missing row means the platform's defaults); `ai_usage` is one row per model call,
 * what usage-based billing counts. Tenant tables: `organization_id` on every row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE ai_settings (
      organization_id UUID PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
      enabled BOOLEAN NOT NULL DEFAULT TRUE,
      instructions TEXT,
      model TEXT,
      temperature DOUBLE PRECISION,
      max_output_tokens INTEGER,
      auto_reply_channels JSONB NOT NULL DEFAULT '[]'::jsonb,
      daily_token_budget INTEGER,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
    )`);
  await knex.raw(`
    CREATE TABLE ai_usage (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      request_id TEXT NOT NULL,
      conversation_id UUID REFERENCES conversations(id) ON DELETE SET NULL,
      model TEXT NOT NULL,
      input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
      output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
      created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
    )`);
  // The budget (today's sum) and Organization.aiUsage(period) read by organization and time.
  await knex.raw(`CREATE INDEX ai_usage_org_created ON ai_usage (organization_id, created_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE ai_usage`);
  await knex.raw(`DROP TABLE ai_settings`);
}
