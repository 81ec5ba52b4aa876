import { claimKey, providers } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import { AccountClaimedError, type IntegrationRow, type IntegrationsRepo } from '../db/integrations.repo';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { ProviderRuntime } from './provider-runtime';

export interface AuditTarget {
  provider?: ProviderId;
  accountKey?: string | null;
  /** Set when the action "succeeded" with a failure to report (a connection test that failed). */
  failureCode?: string;
}

/** Connect, disconnect and test: the integration lifecycle, independent of GraphQL. */
export class IntegrationsService {
  constructor(
    private readonly repo: IntegrationsRepo,
    private readonly runtime: ProviderRuntime,
  ) {}

  /** A row for every provider, in registry order; never-connected providers get a disconnected placeholder. */
  async listAll(organizationId: string): Promise<IntegrationRow[]> {
    const rows = await this.repo.listForOrganization(organizationId);
    const byProvider = new Map(rows.map((row) => [row.provider, row]));
    return (Object.keys(providers) as ProviderId[]).map(
      (provider) => byProvider.get(provider) ?? placeholder(organizationId, provider),
    );
  }

  async connect(
    organizationId: string,
    provider: ProviderId,
    input: unknown,
    target: AuditTarget,
  ): Promise<IntegrationRow> {
    const adapter = providers[provider];
    target.provider = provider;
    const account = (adapter.account.parse as (input: unknown) => Record<string, unknown>)(input);
    const key = claimKey((adapter.account.key as (a: unknown) => string)(account), organizationId);
    target.accountKey = key;
    try {
      return await this.repo.connect(organizationId, provider, account, key);
    } catch (error) {
      if (error instanceof AccountClaimedError) {
        throw new GatewayError(
          'ACCOUNT_ALREADY_CONNECTED',
          `This ${adapter.displayName} account is already connected to another organization. It must be disconnected there first.`,
        );
      }
      throw error;
    }
  }

  async disconnect(
    organizationId: string,
    provider: ProviderId,
    target: AuditTarget,
  ): Promise<IntegrationRow> {
    target.provider = provider;
    const row = await this.repo.disconnect(organizationId, provider);
    target.accountKey = row?.account_key ?? null;
    return row ?? placeholder(organizationId, provider);
  }

  /**
   * Tests the connection and records the outcome on the row. A failing provider is a result the
   * caller wants to see, not an error of the mutation: the payload shows status ERROR and why.
   */
  async test(
    organizationId: string,
    provider: ProviderId,
    target: AuditTarget,
    logger: Logger,
  ): Promise<IntegrationRow> {
    target.provider = provider;
    const [row] = await this.repo.forOrganizationAndProviders(organizationId, [provider]);
    if (!row || row.status === 'disconnected') {
      throw new GatewayError(
        'INTEGRATION_NOT_CONNECTED',
        `${providers[provider].displayName} is not connected for this organization.`,
      );
    }
    target.accountKey = row.account_key;
    try {
      await this.runtime.testConnection(row, logger);
    } catch (error) {
      if (!(error instanceof GatewayError) || !error.code.startsWith('UPSTREAM_')) throw error;
      target.failureCode = error.code;
      return (await this.repo.recordHealth(row.id, { ok: false, message: error.message })) ?? row;
    }
    return (await this.repo.recordHealth(row.id, { ok: true })) ?? row;
  }
}

function placeholder(organizationId: string, provider: ProviderId): IntegrationRow {
  const epoch = new Date(0);
  return {
    id: '',
    organization_id: organizationId,
    provider,
    status: 'disconnected',
    account_identifier: null,
    account_key: null,
    connected_at: null,
    last_synced_at: null,
    sync_status: null,
    error_message: null,
    created_at: epoch,
    updated_at: epoch,
  };
}
