import type { IntegrationStatus, Resolvers } from '../generated/graphql';
import { billingOf } from './billing.resolvers';
import { integrationCommonFields } from './integration.resolvers';

/**
 * The Stripe card is a read-only view of the organization's billing (no connect step): CONNECTED
 * with a live subscription, ERROR while payment is behind, DISCONNECTED without a subscription.
 */
export const resolvers: Resolvers = {
  StripeIntegration: {
    ...integrationCommonFields,
    status: async (row, _args, context): Promise<IntegrationStatus> => {
      const billing = await billingOf(context, row.organization_id);
      if (billing.paymentState === 'PAST_DUE' || billing.paymentState === 'UNPAID') return 'ERROR';
      return billing.status && billing.status !== 'canceled' && billing.status !== 'incomplete_expired'
        ? 'CONNECTED'
        : 'DISCONNECTED';
    },
    syncStatus: async (row, _args, context) => (await billingOf(context, row.organization_id)).status,
    errorMessage: async (row, _args, context) => {
      const { paymentState } = await billingOf(context, row.organization_id);
      if (paymentState === 'PAST_DUE')
        return 'A payment failed; Stripe retries. Update the payment method in the Billing Portal.';
      if (paymentState === 'UNPAID')
        return 'The subscription is unpaid. Update the payment method in the Billing Portal.';
      return null;
    },
    billing: (row, _args, context) => billingOf(context, row.organization_id),
  },
};
