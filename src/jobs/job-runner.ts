import { asPlatform } from '../db/tenant-scope';
import type { Logger } from '../observability/logger';
import type { JobQueue, JobRow } from './job-queue';

/** What a handler learns about the job it runs. Throwing schedules a retry (or the dead letter). */
export interface JobContext {
  id: string;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  /** True when a failure now makes the job dead. */
  lastAttempt: boolean;
  logger: Logger;
}

export type JobHandler = (payload: unknown, job: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  pollIntervalMs: number;
  concurrency: number;
  /** Off: handlers are registered but nothing is claimed here (another instance runs the jobs). */
  enabled: boolean;
}

const PURGE_EVERY_MS = 10 * 60 * 1000;
const STOP_GRACE_MS = 5000;

/**
 * The worker loop: polls the queue every `pollIntervalMs`, and at once when {@link wake} says this
 * instance just enqueued something (an inbound webhook is handled within milliseconds, not at the
 * next poll). Runs at most `concurrency` jobs at a time. Handlers are registered per queue name.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private started = false;
  private stopping = false;
  private lastPurge = 0;

  constructor(
    private readonly queue: JobQueue,
    private readonly options: JobRunnerOptions,
    private readonly logger: Logger,
  ) {}

  register(queueName: string, handler: JobHandler): void {
    if (this.handlers.has(queueName)) throw new Error(`a handler for queue ${queueName} is registered`);
    this.handlers.set(queueName, handler);
  }

  start(): void {
    if (!this.options.enabled || this.started) return;
    this.started = true;
    this.wake();
  }

  /** Look for work now (after this instance enqueued a job). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    // Jobs serve every organization (webhook processing, usage reports, automatic replies): the
    // runner is a platform code path of row-level security, whoever woke it (README, "Isolation in depth").
    this.ticking = asPlatform('job runner', () => this.tick()).finally(() => {
      this.ticking = undefined;
      this.schedule();
    });
  }

  /**
   * Stops claiming and waits a few seconds for running jobs. A job still running after that keeps
   * its lease in the table and is taken over by a worker once the lease expires: nothing is lost.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.ticking;
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => (graceTimer = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(graceTimer);
  }

  private schedule(): void {
    if (this.stopping) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        const capacity = this.options.concurrency - this.inFlight.size;
        if (capacity <= 0 || this.stopping) return;
        const jobs = await this.queue.claim([...this.handlers.keys()], capacity);
        for (const job of jobs) this.track(this.run(job));
        // A full batch suggests more is due; a finishing job wakes the loop too.
        if (jobs.length < capacity && !this.again) break;
      }
      if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await this.queue.purgeDone();
      }
    } catch (error) {
      this.logger.error({ err: error }, 'job queue poll failed');
    }
  }

  private track(running: Promise<void>): void {
    this.inFlight.add(running);
    void running.finally(() => {
      this.inFlight.delete(running);
      this.wake();
    });
  }

  private async run(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.queue);
    const logger = this.logger.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    try {
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      await handler(job.payload, {
        id: job.id,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        lastAttempt: job.attempts >= job.max_attempts,
        logger,
      });
      await this.queue.complete(job);
    } catch (error) {
      // The job's own record holds the error's message; payloads never reach the log.
      const message = error instanceof Error ? error.message : String(error);
      try {
        const state = await this.queue.fail(job, message);
        logger[state === 'dead' ? 'error' : 'warn']({ err: error, state }, 'job failed');
      } catch (failError) {
        // The lease runs out and the job is tried again: late, but not lost.
        logger.error({ err: failError }, 'could not record a job failure');
      }
    }
  }
}
