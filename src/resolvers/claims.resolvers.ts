import { fromGraphQLProvider, toGraphQLProvider } from '../datasources/registry';
import { GatewayError } from '../errors/gateway-error';
import type {
  IntegrationClaimResolvers,
  IntegrationStatus,
  MutationResolvers,
  PendingIntegrationClaimResolvers,
  Provider,
  QueryResolvers,
} from '../generated/graphql';
import { claimProofText, hasClaimProof } from '../services/account-claims';
import { auditTargetOf, withAuditTarget } from '../services/audit-target';

const MAX_PAGE = 200;
const MAX_REASON = 500;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A payload that keeps the audit target its service attached to the result. */
const payloadOf = <T extends object>(result: unknown, payload: T): T =>
  withAuditTarget(payload, auditTargetOf(result) ?? {});

/** Who may claim an account (schema/claims.graphql). */
export const ClaimsQuery: Pick<QueryResolvers, 'integrationClaim' | 'pendingIntegrationClaims'> = {
  async integrationClaim(_source, { provider }, context) {
    const rows = await context.integrations.load(context.viewer!.orgId);
    return rows.find((r) => r.provider === fromGraphQLProvider(provider) && r.status === 'pending') ?? null;
  },
  pendingIntegrationClaims(_source, { first }, context) {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
    }
    return context.services.support.pendingClaims(limit);
  },
};

export const ClaimsMutation: Pick<
  MutationResolvers,
  'verifyIntegrationClaim' | 'approveIntegrationClaim' | 'rejectIntegrationClaim'
> = {
  async verifyIntegrationClaim(_source, { provider }, context) {
    const result = await context.services.integrations.verifyClaim(
      context.viewer!.orgId,
      fromGraphQLProvider(provider),
      context.logger,
    );
    context.integrations.clearAll();
    return payloadOf(result, {
      integration: result.row,
      errorCode: result.errorCode,
      claim: result.row.status === 'pending' ? result.row : null,
    });
  },
  async approveIntegrationClaim(_source, { organizationId, provider }, context) {
    const row = await context.services.integrations.settle(organizationId, fromGraphQLProvider(provider), {
      approve: true,
    });
    context.integrations.clearAll();
    return payloadOf(row, { integration: row, errorCode: null });
  },
  async rejectIntegrationClaim(_source, { organizationId, provider, reason }, context) {
    const text = reason?.trim();
    if (text && (text.length > MAX_REASON || CONTROL.test(text))) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `reason must be at most ${MAX_REASON} characters, without control characters.`,
      );
    }
    const row = await context.services.integrations.settle(organizationId, fromGraphQLProvider(provider), {
      approve: false,
      message: `A platform administrator rejected this organization's claim on the account${text ? `: ${text}` : '.'}`,
    });
    context.integrations.clearAll();
    return payloadOf(row, { integration: row, errorCode: null });
  },
};

export const IntegrationClaim: IntegrationClaimResolvers = {
  provider: (row) => toGraphQLProvider(row.provider) as Provider,
  status: (row) => row.status.toUpperCase() as IntegrationStatus,
  requestedAt: (row) => row.connected_at,
  proof: (row) => claimProofText(row),
  token: (row) => (hasClaimProof(row) ? (row.claim_token ?? null) : null),
};

export const PendingIntegrationClaim: PendingIntegrationClaimResolvers = {
  organizationId: (item) => item.integration.organization_id,
  organizationName: (item) => item.organizationName,
  integration: (item) => item.integration,
  requestedAt: (item) => item.integration.connected_at,
  proofAvailable: (item) => hasClaimProof(item.integration),
};
