import type { Knex } from 'knex';

/**
 * Runs of `npm run import-legacy` (README, "Migrating from per-user tokens"): counts and each row's
 * outcome (organization, provider, account key, result, reason), shown to platform administrators
 * by `legacyImportRuns`. Never a token: the importer does not keep secret columns past reading.
 * Dry runs write nothing, so they are not here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE legacy_import_runs (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      finished_at TIMESTAMPTZ,
      source TEXT NOT NULL,
      counts JSONB NOT NULL DEFAULT '{}'::jsonb,
      rows JSONB NOT NULL DEFAULT '[]'::jsonb,
      purged BOOLEAN NOT NULL DEFAULT FALSE,
      secret_scan JSONB
    )`);
  await knex.raw(`CREATE INDEX legacy_import_runs_recent ON legacy_import_runs (started_at DESC)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE legacy_import_runs`);
}
