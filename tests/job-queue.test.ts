import pino from 'pino';
import type { Db } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { JobQueue } from '../src/jobs/job-queue';
import { JobRunner } from '../src/jobs/job-runner';
import { createDatabase } from '../src/db/database';
import { createTestDatabaseUrl, testPostgresUrl } from './support/harness';
import { waitFor } from './support/webhook-helpers';

const ENGINE = testPostgresUrl() ? 'PostgreSQL' : 'PGlite';
const silent = pino({ level: 'silent' });

let url: string | undefined;
let db: Db;
beforeAll(async () => {
  url = await createTestDatabaseUrl();
  db = createDatabase({ databaseUrl: url, pgliteDataDir: ':memory:' });
  await migrateToLatest(db);
});
afterAll(() => db.destroy());

const queueOf = (leaseMs = 60_000, database = db) =>
  new JobQueue(database, { maxAttempts: 3, backoffBaseMs: 20, leaseMs });

describe(`job queue (${ENGINE})`, () => {
  test('a singleton key allows one live job per queue; a finished one may be enqueued again', async () => {
    const queue = queueOf();
    const first = await queue.enqueue('single', { n: 1 }, { singletonKey: 'k' });
    expect(first).toBeDefined();
    expect(await queue.enqueue('single', { n: 2 }, { singletonKey: 'k' })).toBeUndefined();
    expect(await queue.enqueue('other-queue', { n: 3 }, { singletonKey: 'k' })).toBeDefined();
    const [claimed] = await queue.claim(['single'], 5);
    await queue.complete(claimed!);
    expect(await queue.enqueue('single', { n: 4 }, { singletonKey: 'k' })).toBeDefined();
  });

  test('retries back off exponentially with jitter, and the job is dead after its last attempt', async () => {
    const queue = queueOf();
    // Equal jitter: between half and all of base × 2^(attempt-1).
    expect([1, 2, 3].map((a) => queue.retryDelayMs(a, () => 0))).toEqual([10, 20, 40]);
    expect([1, 2, 3].map((a) => queue.retryDelayMs(a, () => 1))).toEqual([20, 40, 80]);

    const runner = new JobRunner(queue, { enabled: true, pollIntervalMs: 20, concurrency: 2 }, silent);
    const seen: number[] = [];
    runner.register('flaky', async (_payload, job) => {
      seen.push(Date.now());
      throw new Error(`attempt ${job.attempt} of ${job.maxAttempts} failed`);
    });
    const id = await queue.enqueue('flaky', {});
    runner.start();
    try {
      const row = await waitFor(
        () => db('jobs').where({ id }).first(),
        (r) => r.state === 'dead',
      );
      expect(row).toMatchObject({ state: 'dead', attempts: 3, last_error: 'attempt 3 of 3 failed' });
      expect(seen).toHaveLength(3);
      // The second wait is at least the minimum of the doubled delay.
      expect(seen[2]! - seen[1]!).toBeGreaterThanOrEqual(20 - 5);
    } finally {
      await runner.stop();
    }
  });

  test('a job whose worker died mid-run is claimed again once its lease runs out; the dead worker cannot overwrite it', async () => {
    const queue = queueOf(150);
    const id = await queue.enqueue('lease', { n: 1 });
    const [crashed] = await queue.claim(['lease'], 1);
    expect(crashed?.id).toBe(id);
    // Leased: nobody else takes it.
    expect(await queue.claim(['lease'], 1)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [takenOver] = await queue.claim(['lease'], 1);
    expect(takenOver).toMatchObject({ id, attempts: 2 });
    // The first worker wakes up and reports: fenced by its attempt number, it changes nothing.
    await queue.fail(crashed!, 'late failure of the dead worker');
    expect(await db('jobs').where({ id }).first()).toMatchObject({ state: 'running', attempts: 2 });
    await queue.complete(takenOver!);
    expect(await db('jobs').where({ id }).first()).toMatchObject({ state: 'done', last_error: null });
  });
});

(testPostgresUrl() ? describe : describe.skip)('job queue on one PostgreSQL, two instances', () => {
  test('two runners with their own pools run each of 60 jobs exactly once', async () => {
    const other = createDatabase({ databaseUrl: url, pgliteDataDir: ':memory:' });
    const runs = new Map<string, number>();
    const runners = [db, other].map((database) => {
      const runner = new JobRunner(
        queueOf(60_000, database),
        { enabled: true, pollIntervalMs: 10, concurrency: 4 },
        silent,
      );
      runner.register('shared', async (payload) => {
        const n = String((payload as { n: number }).n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2));
      });
      return runner;
    });
    try {
      const queue = queueOf();
      for (let n = 0; n < 60; n++) await queue.enqueue('shared', { n });
      runners.forEach((r) => r.start());
      await waitFor(
        async () => (await db('jobs').where({ queue: 'shared', state: 'done' }).count({ c: '*' }))[0],
        (row) => Number(row?.c) === 60,
      );
      expect(runs.size).toBe(60);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
    } finally {
      for (const r of runners) await r.stop();
      await other.destroy();
    }
  });
});
