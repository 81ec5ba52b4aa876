import type { BillingAccountRow } from './billing-accounts.repo';

export type PastDuePolicy = 'allow' | 'read_only' | 'block';
export type PaymentState = 'NONE' | 'OK' | 'PAST_DUE' | 'UNPAID';
export type BillingRestriction = 'NONE' | 'READ_ONLY' | 'BLOCKED';

export interface BillingState {
  plan: string | null;
  /** Stripe's subscription status (active, trialing, past_due, unpaid, canceled, ...), null without one. */
  status: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  paymentState: PaymentState;
  /** What the past-due policy blocks for this organization now. */
  restriction: BillingRestriction;
}

/**
 * The state GraphQL shows. Payment is behind when Stripe says the subscription is past_due/unpaid, or
 * the latest invoice event is a failure that no later payment cleared.
 */
export function billingState(row: BillingAccountRow | undefined, policy: PastDuePolicy): BillingState {
  const status = row?.subscription_status ?? null;
  const paymentState = paymentStateOf(status, row?.payment_state ?? null);
  const behind = paymentState === 'PAST_DUE' || paymentState === 'UNPAID';
  return {
    plan: row?.plan ?? null,
    status,
    currentPeriodEnd: row?.current_period_end ?? null,
    cancelAtPeriodEnd: row?.cancel_at_period_end ?? false,
    paymentState,
    restriction: !behind || policy === 'allow' ? 'NONE' : policy === 'read_only' ? 'READ_ONLY' : 'BLOCKED',
  };
}

function paymentStateOf(status: string | null, lastInvoice: string | null): PaymentState {
  if (status === 'unpaid') return 'UNPAID';
  if (status === 'past_due') return 'PAST_DUE';
  if (lastInvoice === 'failed' && status !== 'canceled') return 'PAST_DUE';
  if (status === null && lastInvoice === null) return 'NONE';
  return 'OK';
}
