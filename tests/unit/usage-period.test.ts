import { usagePeriodStart } from '../../src/billing/billing-usage';

describe('usagePeriodStart (Organization.billing.usage)', () => {
  const now = new Date('2026-12-01T10:00:00Z');

  it('is a month before the current period end while that end is ahead', () => {
    expect(usagePeriodStart(new Date('2026-12-15T08:30:00Z'), now).toISOString()).toBe(
      '2026-11-15T08:30:00.000Z',
    );
  });

  it('is the start of the UTC month without a subscription or after its period ended', () => {
    expect(usagePeriodStart(null, now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(usagePeriodStart(new Date('2026-11-20T00:00:00Z'), now).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
  });
});
