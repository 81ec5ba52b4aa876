import type { Knex } from 'knex';
import type { Db } from '../db/database';

export type JobState = 'pending' | 'running' | 'done' | 'dead';

export interface JobRow {
  id: string;
  queue: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  singleton_key: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface EnqueueOptions {
  /** At most one waiting or running job per key and queue; enqueueing it again is a no-op. */
  singletonKey?: string;
  /** Defaults to the queue's configured maximum. */
  maxAttempts?: number;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Enqueue inside the caller's transaction, so the job exists exactly when the caller's rows do. */
  trx?: Knex.Transaction;
}

export interface JobQueueOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  leaseMs: number;
}

const BACKOFF_CAP_MS = 60 * 60 * 1000;
const KEEP_DONE_MS = 24 * 60 * 60 * 1000;

/**
 * The `jobs` table (migrations/20261201_007): plain SQL through knex, so the same statements run on
 * PostgreSQL (any number of instances) and on PGlite (knex's one connection serializes them).
 * Handlers and the polling loop live in {@link JobRunner}.
 */
export class JobQueue {
  constructor(
    private readonly db: Db,
    readonly options: JobQueueOptions,
  ) {}

  /** Returns the new job's id, or undefined when a live job with the same singleton key exists. */
  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<string | undefined> {
    const db = options.trx ?? this.db;
    const result = await db.raw<{ rows: Array<{ id: string | number }> }>(
      `INSERT INTO jobs (queue, payload, max_attempts, run_at, singleton_key)
       VALUES (?, ?::jsonb, ?, NOW() + (? * INTERVAL '1 millisecond'), ?)
       ON CONFLICT (queue, singleton_key) WHERE singleton_key IS NOT NULL AND state IN ('pending', 'running')
       DO NOTHING
       RETURNING id`,
      [
        queue,
        JSON.stringify(payload ?? {}),
        options.maxAttempts ?? this.options.maxAttempts,
        options.delayMs ?? 0,
        options.singletonKey ?? null,
      ],
    );
    const id = result.rows[0]?.id;
    return id === undefined ? undefined : String(id);
  }

  /** Moves a waiting job with this key forward to now (a replay of something already queued). */
  async runNow(queue: string, singletonKey: string, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)('jobs')
      .where({ queue, singleton_key: singletonKey, state: 'pending' })
      .update({ run_at: (trx ?? this.db).fn.now(), updated_at: (trx ?? this.db).fn.now() });
  }

  /**
   * Claims up to `limit` due jobs of the given queues: pending ones whose time has come, and running
   * ones whose lease expired (their worker died). SKIP LOCKED lets concurrent claimers pass each
   * other's rows instead of waiting on them or taking them twice. Each claim counts an attempt.
   */
  async claim(queues: readonly string[], limit: number): Promise<JobRow[]> {
    if (queues.length === 0 || limit < 1) return [];
    const result = await this.db.raw<{ rows: JobRow[] }>(
      `UPDATE jobs
          SET state = 'running', attempts = attempts + 1,
              locked_until = NOW() + (? * INTERVAL '1 millisecond'), updated_at = NOW()
        WHERE id IN (
          SELECT id FROM jobs
           WHERE queue IN (${queues.map(() => '?').join(', ')})
             AND ((state = 'pending' AND run_at <= NOW()) OR (state = 'running' AND locked_until < NOW()))
           ORDER BY run_at, id
           LIMIT ?
           FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [this.options.leaseMs, ...queues, limit],
    );
    // bigserial: a string from pg, a number from PGlite; one type for callers.
    return result.rows.map((row) => ({ ...row, id: String(row.id) }));
  }

  /**
   * Marks a claimed job done. Fenced by the attempt that claimed it: a worker whose lease ran out
   * (and whose job another worker took over) cannot overwrite the newer attempt's state.
   */
  async complete(job: Pick<JobRow, 'id' | 'attempts'>): Promise<void> {
    await this.db('jobs')
      .where({ id: job.id, attempts: job.attempts, state: 'running' })
      .update({ state: 'done', locked_until: null, last_error: null, updated_at: this.db.fn.now() });
  }

  /** Schedules the next attempt after a backoff, or marks the job dead after its last attempt. */
  async fail(job: Pick<JobRow, 'id' | 'attempts' | 'max_attempts'>, error: string): Promise<JobState> {
    const dead = job.attempts >= job.max_attempts;
    await this.db('jobs')
      .where({ id: job.id, attempts: job.attempts, state: 'running' })
      .update({
        state: dead ? 'dead' : 'pending',
        locked_until: null,
        last_error: error.slice(0, 1000),
        run_at: dead
          ? this.db.fn.now()
          : this.db.raw(`NOW() + (? * INTERVAL '1 millisecond')`, [this.retryDelayMs(job.attempts)]),
        updated_at: this.db.fn.now(),
      });
    return dead ? 'dead' : 'pending';
  }

  /**
   * Exponential backoff with "equal jitter": half the doubled delay is fixed, half random, so retries
   * of many jobs that failed together spread out without any retrying at once.
   */
  retryDelayMs(attempts: number, random = Math.random): number {
    const exponential = Math.min(BACKOFF_CAP_MS, this.options.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exponential / 2 + random() * (exponential / 2));
  }

  /** Finished jobs are kept a day for inspection, then dropped. Dead ones stay. */
  async purgeDone(): Promise<number> {
    return this.db('jobs')
      .where({ state: 'done' })
      .andWhere('updated_at', '<', this.db.raw(`NOW() - (? * INTERVAL '1 millisecond')`, [KEEP_DONE_MS]))
      .delete();
  }
}
