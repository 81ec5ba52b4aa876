import type { Config } from '../config/config';
import type { Db } from '../db/database';
import type { OrganizationsRepo } from '../db/organizations.repo';
import { StripeClient } from '../datasources/stripe/stripe.client';
import { BillingAccountsRepo } from './billing-accounts.repo';
import { BillingService } from './billing.service';

/** Billing with the Stripe client when the Stripe variables are set, without one (off) when not. */
export function createBilling(config: Config, db: Db, organizations: OrganizationsRepo): BillingService {
  const stripe = config.providers.stripe;
  const client = stripe.configured
    ? new StripeClient(stripe.env, {
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        // The one retry layer (the SDK's, same idempotency key on each attempt).
        maxNetworkRetries: config.UPSTREAM_MAX_RETRIES,
      })
    : undefined;
  return new BillingService(config, new BillingAccountsRepo(db), organizations, client);
}
