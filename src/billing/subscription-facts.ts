import type Stripe from 'stripe';
import type { SubscriptionFacts } from './billing-accounts.repo';

/**
 * What billing keeps of a Stripe subscription. Since API version 2025-03-31 the period end lives on
 * each item (older versions had it on the subscription): the latest item's end is the period end.
 */
export function subscriptionFacts(
  subscription: Stripe.Subscription,
  plans: Record<string, string>,
): SubscriptionFacts {
  const items = subscription.items?.data ?? [];
  const priceId = items[0]?.price?.id ?? null;
  const ends = items.map((item) => item.current_period_end).filter((n): n is number => typeof n === 'number');
  const legacyEnd = (subscription as unknown as { current_period_end?: number }).current_period_end;
  const end = ends.length ? Math.max(...ends) : legacyEnd;
  return {
    subscriptionId: subscription.id,
    status: subscription.status,
    priceId,
    plan: priceId ? (Object.entries(plans).find(([, id]) => id === priceId)?.[0] ?? null) : null,
    currentPeriodEnd: typeof end === 'number' ? new Date(end * 1000) : null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}
