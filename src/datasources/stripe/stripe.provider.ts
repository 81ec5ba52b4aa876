import { z } from 'zod';
import { defineProvider } from '../types';
import { GatewayError } from '../../errors/gateway-error';
import { stripeWebhooks } from '../../webhooks/stripe.webhook';

const env = z.object({
  STRIPE_SECRET_KEY: z.string(),
  STRIPE_PUBLISHABLE_KEY: z.string(),
  STRIPE_WEBHOOK_SECRET: z.string(),
  STRIPE_API_BASE_URL: z.string().url().optional(),
});

/** A customer id, or empty for an event about no customer (stored unrouted, never retried). */
const CUSTOMER = /^(?:cus_[A-Za-z0-9]+)?$/;

export const stripeProvider = defineProvider({
  id: 'stripe',
  displayName: 'Stripe',
  typename: 'StripeIntegration',
  envSchema: env,
  envVars: ['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET'],
  features: ['Platform subscription billing', 'Usage-based pricing', 'Payment processing'],
  // Stripe's global limit on the platform's account: 100 requests/s live, 25/s in a sandbox
  // (stripeBudget picks by the key); meter events have their own 1000/s. Every organization's billing
  // calls share it.
  quota: {
    scope: 'credential',
    limit: 100,
    windowSeconds: 1,
    source: 'https://docs.stripe.com/rate-limits',
  },
  account: {
    // Nothing to give: the platform's own account serves every organization.
    fields: [],
    /**
     * Only a webhook names an account (the Stripe customer it is about, routed by the billing
     * service). Billing belongs to the organization (Organization.billing): connecting is refused.
     */
    parse: (input): { customer: string } => {
      const customer = (input as { customer?: unknown } | undefined)?.customer;
      if (typeof customer === 'string' && CUSTOMER.test(customer)) return { customer };
      throw new GatewayError(
        'BAD_USER_INPUT',
        "Stripe needs no connect step: billing is the organization's own (Organization.billing, startCheckout).",
      );
    },
    key: (account) => account.customer,
  },
  webhooks: stripeWebhooks,
  readOnlyCard: true,
});
