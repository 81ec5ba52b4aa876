import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';

const env = z.object({
  STRIPE_SECRET_KEY: z.string(),
  STRIPE_PUBLISHABLE_KEY: z.string(),
  STRIPE_WEBHOOK_SECRET: z.string(),
  STRIPE_API_BASE_URL: z.string().url().optional(),
});

// Stripe bills the platform's own customers: the organization provides nothing.
const account = z
  .object({})
  .passthrough()
  .transform(() => ({}));

export const stripeProvider = defineProvider({
  id: 'stripe',
  displayName: 'Stripe',
  typename: 'StripeIntegration',
  envSchema: env,
  envVars: ['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET'],
  features: ['Platform subscription billing', 'Usage-based pricing', 'Payment processing'],
  account: {
    // Nothing to give: the platform's own account serves every organization.
    fields: [],
    parse: (input) => parseAccount(account, input ?? {}, 'Stripe'),
    key: () => '',
  },
});
