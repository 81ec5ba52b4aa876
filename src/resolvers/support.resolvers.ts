import { printable } from '../datasources/input-rules';
import { GatewayError } from '../errors/gateway-error';
import type {
  OrganizationSummaryResolvers,
  QueryResolvers,
  SupportAttentionItemResolvers,
} from '../generated/graphql';

const MAX_PAGE = 200;
const MAX_SEARCH = 200;

function pageSize(first: number | null | undefined): number {
  const limit = first ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
  }
  return limit;
}

/** The platform administrators' support view (schema/support.graphql); @auth admits no one else. */
export const SupportQuery: Pick<QueryResolvers, 'supportAttention' | 'organizations'> = {
  supportAttention: (_source, { first }, context) => context.services.support.attention(pageSize(first)),
  organizations(_source, { search, first }, context) {
    const text = search?.trim();
    if (text && text.length > MAX_SEARCH) {
      throw new GatewayError('BAD_USER_INPUT', `search must be at most ${MAX_SEARCH} characters.`);
    }
    if (text) printable(text, 'search');
    return context.services.support.organizations(text || undefined, pageSize(first));
  },
};

export const SupportAttentionItem: SupportAttentionItemResolvers = {
  organizationId: (item) => item.integration.organization_id,
  organizationName: (item) => item.organizationName,
  integration: (item) => item.integration,
  recentFailures: (item) => item.recentFailures,
  lastFailureAt: (item) => item.lastFailureAt,
  failedWebhookEvents: (item) => item.failedWebhookEvents,
};

export const OrganizationSummary: OrganizationSummaryResolvers = {
  id: (row) => row.id,
  name: (row) => row.name,
  createdAt: (row) => row.created_at,
};
