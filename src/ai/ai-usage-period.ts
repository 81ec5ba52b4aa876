import { startOfUtcDay } from './ai.service';

export type AiUsagePeriodName = 'TODAY' | 'LAST_7_DAYS' | 'THIS_MONTH';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A period as [from, to) in UTC; `to` is the end of today, so rows written this instant count. */
export function usagePeriod(period: AiUsagePeriodName, now = new Date()): { from: Date; to: Date } {
  const today = startOfUtcDay(now);
  const to = new Date(today.getTime() + DAY_MS);
  switch (period) {
    case 'TODAY':
      return { from: today, to };
    case 'LAST_7_DAYS':
      return { from: new Date(today.getTime() - 6 * DAY_MS), to };
    case 'THIS_MONTH':
      return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to };
  }
}
