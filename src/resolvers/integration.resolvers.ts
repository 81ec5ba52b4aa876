import { providers, toGraphQLProvider } from '../datasources/registry';
import type { IntegrationRow } from '../db/integrations.repo';
import type { GatewayContext } from '../graphql/context';
import type { Provider, IntegrationStatus } from '../generated/graphql';

/** The fields every integration type shares, resolved from the same row. */
export const integrationCommonFields = {
  id: (row: IntegrationRow) => `${row.organization_id}:${row.provider}`,
  provider: (row: IntegrationRow) => toGraphQLProvider(row.provider) as Provider,
  status: (row: IntegrationRow) => row.status.toUpperCase() as IntegrationStatus,
  configured: (row: IntegrationRow, _args: unknown, context: GatewayContext) =>
    context.services.runtime.isConfigured(row.provider),
  connectedAt: (row: IntegrationRow) => row.connected_at,
  lastSyncedAt: (row: IntegrationRow) => row.last_synced_at,
  syncStatus: (row: IntegrationRow) => row.sync_status,
  errorMessage: (row: IntegrationRow) => row.error_message,
  account: (row: IntegrationRow) =>
    row.status === 'disconnected'
      ? []
      : providers[row.provider].account.fields.flatMap(({ name }) => {
          const value = row.account_identifier?.[name];
          return typeof value === 'string' ? [{ name, value }] : [];
        }),
};

/** An identifier field read from `account_identifier`; null while disconnected. */
export const identifierField = (name: string) => (row: IntegrationRow) =>
  row.status === 'disconnected' ? null : ((row.account_identifier?.[name] as string | undefined) ?? null);

const typenameOf = (row: IntegrationRow) => providers[row.provider].typename as never;

export const Integration = { __resolveType: typenameOf };
export const IntegrationCommon = { __resolveType: typenameOf };
