import type { Knex } from 'knex';

/**
 * Usage reported to Stripe as meter events (README, "Billing"). A report is created together with
 * the claim of the usage rows it covers, in one transaction, BEFORE Stripe is called: a crash between
 * the claim and Stripe's answer leaves a `pending` report that is re-sent with the same identifier
 * (Stripe counts an identifier once). `usage_report_rows` has one row per usage row ever reported,
 * its primary key making "a usage row is in at most one report" a database fact.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE usage_reports (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      meter TEXT NOT NULL,
      event_name TEXT NOT NULL,
      identifier TEXT NOT NULL UNIQUE,
      quantity BIGINT NOT NULL CHECK (quantity >= 0),
      row_count INTEGER NOT NULL CHECK (row_count > 0),
      state VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      sent_at TIMESTAMPTZ
    )`);
  await knex.raw(
    `CREATE INDEX usage_reports_pending ON usage_reports (organization_id, created_at) WHERE state = 'pending'`,
  );
  await knex.raw(
    `CREATE INDEX usage_reports_org_meter ON usage_reports (organization_id, meter, created_at)`,
  );
  await knex.raw(`
    CREATE TABLE usage_report_rows (
      source VARCHAR(20) NOT NULL CHECK (source IN ('ai_usage', 'messages')),
      row_id UUID NOT NULL,
      report_id UUID NOT NULL REFERENCES usage_reports(id) ON DELETE CASCADE,
      PRIMARY KEY (source, row_id)
    )`);
  await knex.raw(`CREATE INDEX usage_report_rows_report ON usage_report_rows (report_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE usage_report_rows`);
  await knex.raw(`DROP TABLE usage_reports`);
}
