import type { Config } from '../config/config';
import type { Db } from '../db/database';
import type { OrganizationsRepo } from '../db/organizations.repo';
import { StripeClient, stripeBudget, type StripeQuota } from '../datasources/stripe/stripe.client';
import { stripeProvider } from '../datasources/stripe/stripe.provider';
import type { FairShare } from '../services/fair-share';
import { BillingAccountsRepo } from './billing-accounts.repo';
import { BillingService } from './billing.service';

/** Billing with the Stripe client when the Stripe variables are set, without one (off) when not. */
export function createBilling(
  config: Config,
  db: Db,
  organizations: OrganizationsRepo,
  fairShare?: FairShare,
): BillingService {
  const stripe = config.providers.stripe;
  const client = stripe.configured
    ? new StripeClient(stripe.env, {
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        // The one retry layer (the SDK's, same idempotency key on each attempt).
        maxNetworkRetries: config.UPSTREAM_MAX_RETRIES,
        quota: fairShare && stripeQuota(fairShare, stripe.env.STRIPE_SECRET_KEY),
      })
    : undefined;
  return new BillingService(config, new BillingAccountsRepo(db), organizations, client);
}

/** Each organization's share of Stripe's rate on the platform key (calls with no organization share one). */
function stripeQuota(fairShare: FairShare, secretKey: string): StripeQuota {
  return (organizationId, pool) => {
    const gate = fairShare.gate('stripe', organizationId || 'platform', stripeProvider.quota);
    return gate.take(pool, stripeBudget(secretKey, pool, gate.quota));
  };
}
