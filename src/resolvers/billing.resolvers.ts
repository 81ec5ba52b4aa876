import type { BillingState } from '../billing/billing-state';
import { billingUsage } from '../billing/billing-usage';
import { GatewayError } from '../errors/gateway-error';
import type {
  MutationResolvers,
  OrganizationResolvers,
  QueryResolvers,
  Resolvers,
} from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';
import { withAuditTarget } from '../services/audit-target';

/** What `OrganizationBilling` resolves from. */
export type OrganizationBillingModel = BillingState & { organizationId: string; configured: boolean };

/** Organization.billing and the Stripe card: one organization's billing state. */
export async function billingOf(
  context: GatewayContext,
  organizationId: string,
): Promise<OrganizationBillingModel> {
  const { billing } = context.services;
  return { ...(await billing.state(organizationId)), organizationId, configured: billing.configured };
}

function viewerOrg(context: GatewayContext): string {
  if (!context.viewer) throw context.authError ?? new GatewayError('UNAUTHENTICATED');
  return context.viewer.orgId;
}

/** Runs a billing mutation; the audit entry names Stripe, whatever the outcome. */
async function redirect(context: GatewayContext, act: (organizationId: string) => Promise<string>) {
  const organizationId = viewerOrg(context);
  try {
    const url = await act(organizationId);
    return withAuditTarget(
      { url, billing: await billingOf(context, organizationId) },
      { provider: 'stripe' },
    );
  } catch (error) {
    throw withAuditTarget(error, { provider: 'stripe' });
  }
}

const Organization: Pick<OrganizationResolvers, 'billing'> = {
  billing: (org, _args, context) => billingOf(context, org.id),
};

const Query: Pick<QueryResolvers, 'billingPlans'> = {
  billingPlans: (_source, _args, context) => context.services.billing.plans(),
};

const Mutation: Pick<
  MutationResolvers,
  'startCheckout' | 'openBillingPortal' | 'cancelSubscriptionAtPeriodEnd'
> = {
  startCheckout: (_source, { plan }, context) =>
    redirect(context, (organizationId) => context.services.billing.checkout(organizationId, plan)),
  openBillingPortal: (_source, _args, context) =>
    redirect(context, (organizationId) => context.services.billing.portal(organizationId)),
  cancelSubscriptionAtPeriodEnd: (_source, _args, context) =>
    redirect(context, async (organizationId) => {
      await context.services.billing.cancelAtPeriodEnd(organizationId);
      return context.services.billing.returnUrl();
    }),
};

/** Registered with the core resolvers (src/resolvers/index.ts). */
export const BillingResolverSet = {
  Organization,
  Query,
  Mutation,
  OrganizationBilling: {
    usage: (billing, _args, context) =>
      billingUsage(context.services, billing.organizationId, billing.currentPeriodEnd),
  },
} satisfies Resolvers;
