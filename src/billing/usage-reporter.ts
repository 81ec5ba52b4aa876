import type { MeterEventInput } from '../datasources/stripe/stripe.client';
import type { JobQueue } from '../jobs/job-queue';
import type { JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import type { UsageMeter } from './usage-meters';
import type { UsageReportRow, UsageReportsRepo } from './usage-reports.repo';

export const USAGE_QUEUE = 'billing-usage';
/** Usage rows per meter event: a backlog goes out in several events, each with its own identifier. */
export const REPORT_BATCH_ROWS = 1000;

/** What the reporter needs of Stripe (StripeClient): one meter event, deduplicated by its identifier. */
export interface MeterEventSender {
  createMeterEvent(input: MeterEventInput): Promise<void>;
}

/** What the reporter needs of billing (BillingService): the organization's customer, if any. */
export interface CustomerLookup {
  customerIdFor(organizationId: string): Promise<string | null>;
}

export interface UsageReporterDeps {
  repo: UsageReportsRepo;
  meters: readonly UsageMeter[];
  customers: CustomerLookup;
  /** Undefined when Stripe is not configured: nothing is claimed, usage waits in its tables. */
  stripe: MeterEventSender | undefined;
  jobs: JobQueue;
  jobRunner: JobRunner;
  intervalMs: number;
  logger: Logger;
}

type UsageJob = { organizationId: string } | { sweep: true };

/**
 * Reports recorded usage (AI tokens, messages sent) to Stripe as meter events, exactly once:
 *
 * 1. Claim: in one transaction, a pending `usage_reports` row and the claim of the usage rows it
 *    covers, its identifier derived from those rows' ids — before Stripe is called.
 * 2. Send the meter event with that identifier (the SDK retries transport errors and 5xx itself).
 * 3. Mark the report sent only after Stripe accepted it.
 *
 * A failure at 2 (an outage) leaves the report pending and fails the job, which the queue retries with
 * backoff; a crash between 1 and 3 leaves it pending too. Either way the next run sends pending reports
 * first, with their original identifiers, and Stripe counts an identifier once. Nothing is lost (rows
 * stay claimed by the pending report) and nothing is counted twice (a row is in one report only).
 *
 * Jobs on queue 'billing-usage': one per organization (singleton key `org:<id>`), enqueued by
 * {@link usageRecorded} a batch interval ahead, and by a sweep that runs every BILLING_USAGE_INTERVAL_MS
 * (singleton key per window) and enqueues organizations with anything left to send.
 */
export class UsageReporter {
  constructor(private readonly deps: UsageReporterDeps) {}

  register(): void {
    this.deps.jobRunner.register(USAGE_QUEUE, (payload) => this.run(payload as UsageJob));
  }

  /** Starts the periodic sweep (the first window's job; each sweep enqueues the next). */
  async start(): Promise<void> {
    if (!this.deps.stripe) return;
    await this.enqueueSweep();
    this.deps.jobRunner.wake();
  }

  /**
   * Usage was recorded for the organization: report it within one interval. Usage recorded meanwhile
   * joins the same job (its singleton key), and so the same batch.
   */
  async usageRecorded(organizationId: string): Promise<void> {
    if (!this.deps.stripe) return;
    await this.deps.jobs.enqueue(
      USAGE_QUEUE,
      { organizationId },
      {
        singletonKey: `org:${organizationId}`,
        delayMs: this.deps.intervalMs,
      },
    );
  }

  /**
   * Sends the organization's pending reports, then claims and sends its unreported usage, meter by
   * meter. Throws (the job retries) when Stripe did not accept a report. An organization without a
   * Stripe customer reports nothing: its usage stays unclaimed until it has one.
   */
  async reportOrganization(organizationId: string): Promise<{ reports: number }> {
    const stripe = this.deps.stripe;
    if (!stripe) return { reports: 0 };
    const customerId = await this.deps.customers.customerIdFor(organizationId);
    if (!customerId) return { reports: 0 };
    let reports = 0;
    for (const report of await this.deps.repo.pending(organizationId)) {
      await this.send(stripe, report, customerId);
      reports++;
    }
    for (const meter of this.deps.meters) {
      for (;;) {
        const report = await this.deps.repo.claim(organizationId, meter, REPORT_BATCH_ROWS);
        if (!report) break;
        await this.send(stripe, report, customerId);
        reports++;
        if (report.row_count < REPORT_BATCH_ROWS) break;
      }
    }
    return { reports };
  }

  private async run(job: UsageJob): Promise<void> {
    if ('sweep' in job) {
      // The next window first: a failing sweep retries on its own and the chain goes on.
      await this.enqueueSweep(1);
      for (const organizationId of await this.deps.repo.organizationsToReport(this.deps.meters)) {
        await this.deps.jobs.enqueue(
          USAGE_QUEUE,
          { organizationId },
          { singletonKey: `org:${organizationId}` },
        );
      }
      return;
    }
    if (typeof job.organizationId !== 'string') throw new Error('billing-usage job without an organization');
    await this.reportOrganization(job.organizationId);
  }

  private async send(stripe: MeterEventSender, report: UsageReportRow, customerId: string): Promise<void> {
    // Rows with no units (a model call that used no tokens) are claimed so they are not scanned
    // again, and there is nothing to tell Stripe.
    if (report.quantity > 0) {
      try {
        await stripe.createMeterEvent({
          eventName: report.event_name,
          customerId,
          value: report.quantity,
          identifier: report.identifier,
          timestamp: report.created_at,
          organizationId: report.organization_id,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await this.deps.repo.markFailed(report.id, message);
        this.deps.logger.warn(
          { organizationId: report.organization_id, meter: report.meter, reportId: report.id, err: error },
          'usage report not accepted by Stripe; retried with the same identifier',
        );
        throw error;
      }
    }
    await this.deps.repo.markSent(report.id);
    this.deps.logger.info(
      {
        organizationId: report.organization_id,
        meter: report.meter,
        quantity: report.quantity,
        rows: report.row_count,
      },
      'usage reported',
    );
  }

  private async enqueueSweep(windowsAhead = 0): Promise<void> {
    const interval = this.deps.intervalMs;
    const window = Math.floor(Date.now() / interval) + windowsAhead;
    await this.deps.jobs.enqueue(
      USAGE_QUEUE,
      { sweep: true },
      {
        singletonKey: `sweep:${window}`,
        delayMs: Math.max(0, window * interval - Date.now()),
      },
    );
  }
}
