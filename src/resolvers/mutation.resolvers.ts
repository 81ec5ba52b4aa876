import { fromGraphQLProvider } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import { GatewayError } from '../errors/gateway-error';
import type { MutationResolvers } from '../generated/graphql';
import { auditTargetOf, withAuditTarget } from '../services/audit-target';

/** A payload that keeps the audit target its service attached to the result. */
const payloadOf = <T extends object>(result: unknown, payload: T): T =>
  withAuditTarget(payload, auditTargetOf(result) ?? {});

export const Mutation: MutationResolvers = {
  async connectIntegration(_source, { input }, context) {
    // @oneOf guarantees exactly one key; it names the provider.
    const [key, value] = Object.entries(input).find(([, v]) => v !== undefined && v !== null) ?? [];
    if (!key) throw new GatewayError('BAD_USER_INPUT', 'Give exactly one provider in the input.');
    const integration = await context.services.integrations.connect(
      context.viewer!.orgId,
      key as ProviderId,
      value,
    );
    context.integrations.clearAll();
    return payloadOf(integration, {
      integration,
      errorCode: null,
      claim: integration.status === 'pending' ? integration : null,
    });
  },

  async disconnectIntegration(_source, { provider }, context) {
    const integration = await context.services.integrations.disconnect(
      context.viewer!.orgId,
      fromGraphQLProvider(provider),
    );
    context.integrations.clearAll();
    return payloadOf(integration, { integration, errorCode: null });
  },

  async testIntegration(_source, { provider }, context) {
    const result = await context.services.integrations.test(
      context.viewer!.orgId,
      fromGraphQLProvider(provider),
      context.logger,
    );
    context.integrations.clearAll();
    return payloadOf(result, {
      integration: result.row,
      errorCode: result.errorCode,
      scopes: result.scopes ?? null,
      claim: result.row.status === 'pending' ? result.row : null,
    });
  },
};
