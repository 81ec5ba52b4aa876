import type { Services } from '../services/services';
import { usageMeters } from './usage-meters';
import { UsageReportsRepo, type MeterUsage } from './usage-reports.repo';
import { UsageReporter } from './usage-reporter';

/**
 * Where "this period" starts for Organization.billing.usage: a month before the subscription's
 * current period end while that end is ahead (plans bill monthly), else the start of the UTC month.
 */
export function usagePeriodStart(currentPeriodEnd: Date | null, now = new Date()): Date {
  if (currentPeriodEnd && currentPeriodEnd > now) {
    const start = new Date(currentPeriodEnd);
    start.setUTCMonth(start.getUTCMonth() - 1);
    return start;
  }
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Organization.billing.usage: per meter, the units recorded this period (`quantity`) and how many
 * of them Stripe has accepted (`reported`; the rest goes out with the next report).
 */
export async function billingUsage(
  services: Pick<Services, 'db' | 'config'>,
  organizationId: string,
  currentPeriodEnd: Date | null,
  now = new Date(),
): Promise<MeterUsage[]> {
  return new UsageReportsRepo(services.db).usageSince(
    organizationId,
    usageMeters(services.config),
    usagePeriodStart(currentPeriodEnd, now),
  );
}

/**
 * Wires usage reporting: the 'billing-usage' job handler and the periodic sweep. Called once per
 * gateway, before its job runner starts.
 */
export async function startUsageReporting(services: Services): Promise<UsageReporter> {
  const reporter = new UsageReporter({
    repo: new UsageReportsRepo(services.db),
    meters: usageMeters(services.config),
    customers: services.billing,
    stripe: services.billing.stripe,
    jobs: services.jobs,
    jobRunner: services.jobRunner,
    intervalMs: services.config.BILLING_USAGE_INTERVAL_MS,
    logger: services.logger,
  });
  reporter.register();
  // Usage recorded schedules its organization's report within one interval (the sweep is the net).
  const scheduled = (organizationId: string) => reporter.usageRecorded(organizationId);
  services.ai.setUsageListener(scheduled);
  services.conversations.setSentListener(scheduled);
  await reporter.start();
  return reporter;
}
