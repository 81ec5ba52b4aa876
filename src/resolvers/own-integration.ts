import type { ProviderId } from '../datasources/types';
import type { IntegrationRow } from '../db/integrations.repo';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayContext } from '../graphql/context';
import { actOn, withAuditTarget } from '../services/audit-target';

/**
 * Runs a write on the caller's own organization's integration of a provider (never one named by the
 * client). Its result or error carries the provider and account it acted on, for its audit entry.
 */
export async function actOnOwnIntegration<T>(
  context: GatewayContext,
  provider: ProviderId,
  action: (row: IntegrationRow) => Promise<T>,
): Promise<T> {
  const rows = await context.integrations.load(context.viewer!.orgId);
  const row = rows.find((r) => r.provider === provider);
  if (!row || row.status === 'disconnected') {
    throw withAuditTarget(new GatewayError('INTEGRATION_NOT_CONNECTED'), { provider });
  }
  return actOn({ provider, accountKey: row.account_key }, () => action(row));
}
