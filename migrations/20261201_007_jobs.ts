import type { Knex } from 'knex';

/**
 * A job queue in PostgreSQL, shared by every instance on the database (README, "Webhooks"): workers
 * claim due rows with `FOR UPDATE SKIP LOCKED`, so two instances never run one job at the same time,
 * and a claimed row carries a lease (`locked_until`): a worker that dies mid-job leaves a row that
 * becomes claimable again once the lease runs out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE jobs (
      id BIGSERIAL PRIMARY KEY,
      queue VARCHAR(100) NOT NULL,
      payload JSONB NOT NULL DEFAULT '{}'::jsonb,
      state VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
      attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
      run_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      locked_until TIMESTAMPTZ,
      last_error TEXT,
      singleton_key TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
    )`);
  // One live job per key and queue: enqueueing a key that is already waiting or running is a no-op,
  // and a finished one may be enqueued again (a replay).
  await knex.raw(`
    CREATE UNIQUE INDEX jobs_singleton ON jobs (queue, singleton_key)
      WHERE singleton_key IS NOT NULL AND state IN ('pending', 'running')`);
  // What the claim query reads: due pending jobs, and running jobs whose lease ran out.
  await knex.raw(`CREATE INDEX jobs_pending_due ON jobs (run_at, id) WHERE state = 'pending'`);
  await knex.raw(`CREATE INDEX jobs_running_lease ON jobs (locked_until) WHERE state = 'running'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('jobs');
}
