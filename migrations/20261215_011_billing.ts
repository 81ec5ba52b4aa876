import type { Knex } from 'knex';

/**
 * Billing per organization (README, "Billing"): the Stripe customer and what the webhooks said of its
 * subscription and payments. Each half carries the `created` time of the Stripe event that last
 * wrote it, so an older event arriving late never overwrites a newer state.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE billing_accounts (
      organization_id UUID PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
      stripe_customer_id TEXT UNIQUE,
      plan TEXT,
      price_id TEXT,
      subscription_id TEXT,
      subscription_status TEXT,
      current_period_end TIMESTAMPTZ,
      cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
      subscription_event_created BIGINT,
      payment_state TEXT,
      payment_event_created BIGINT,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE billing_accounts`);
}
