import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayContext } from '../graphql/context';
import { toGraphQLError } from '../graphql/graphql-error';
import type { PastDuePolicy } from './billing-state';

/** What an organization behind on payment may always do: see its billing and pay. */
const BILLING_MUTATIONS = new Set(['startCheckout', 'openBillingPortal', 'cancelSubscriptionAtPeriodEnd']);
const BILLING_QUERIES = new Set(['billingPlans', '__typename']);
const ORGANIZATION_BILLING_FIELDS = new Set(['id', 'name', 'billing', '__typename']);

/**
 * The past-due policy (BILLING_PAST_DUE_POLICY), applied before an operation runs: `read_only`
 * refuses mutations other than the billing ones; `block` also refuses queries other than billing
 * (`billingPlans`, `organization { id name billing }`). `allow` (the default) costs nothing: no read.
 */
export function billingPolicyPlugin(policy: PastDuePolicy): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (policy === 'allow') return;
      return {
        async didResolveOperation({ operation, contextValue }) {
          const viewer = contextValue.viewer;
          if (!viewer || !operation || operation.operation === 'subscription' || allowedAlways(operation))
            return;
          const { restriction } = await contextValue.services.billing.state(viewer.orgId);
          const refused =
            (restriction === 'READ_ONLY' && operation.operation === 'mutation') || restriction === 'BLOCKED';
          if (!refused) return;
          const error = toGraphQLError(
            new GatewayError(
              'FORBIDDEN',
              restriction === 'BLOCKED'
                ? 'The subscription is past due: only billing is available until it is paid.'
                : 'The subscription is past due: the organization is read-only until it is paid.',
            ),
          );
          (error.extensions as Record<string, unknown>).http = { status: 403 };
          throw error;
        },
      };
    },
  };
}

function allowedAlways(operation: OperationDefinitionNode): boolean {
  const names = BILLING_MUTATIONS;
  if (operation.operation === 'mutation') return onlyFields(operation.selectionSet, names);
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === Kind.FIELD &&
      (BILLING_QUERIES.has(s.name.value) ||
        (s.name.value === 'organization' &&
          !!s.selectionSet &&
          onlyFields(s.selectionSet, ORGANIZATION_BILLING_FIELDS))),
  );
}

function onlyFields(set: SelectionSetNode, names: Set<string>): boolean {
  return set.selections.every((s) => s.kind === Kind.FIELD && names.has(s.name.value));
}
