import { claimKey, providers } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import { AccountClaimedError, type IntegrationRow, type IntegrationsRepo } from '../db/integrations.repo';
import type { ErrorCode } from '../errors/codes';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import { actOn, withAuditTarget } from './audit-target';
import type { ProviderRuntime } from './provider-runtime';

/** The outcome of a connection test: the row as recorded, and the failure's code when it failed. */
export interface TestResult {
  row: IntegrationRow;
  errorCode: ErrorCode | null;
}

/**
 * Connect, disconnect and test: the integration lifecycle, independent of GraphQL. Each method's
 * result (or error) carries its audit target (services/audit-target.ts).
 */
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

  async connect(organizationId: string, provider: ProviderId, input: unknown): Promise<IntegrationRow> {
    const adapter = providers[provider];
    return actOn({ provider }, async () => {
      // A provider the platform has not configured cannot be used: connecting it would show a
      // green CONNECTED that no call can honour.
      this.runtime.assertConfigured(provider);
      const account = (adapter.account.parse as (input: unknown) => Record<string, unknown>)(input);
      const key = claimKey((adapter.account.key as (a: unknown) => string)(account), organizationId);
      return actOn({ provider, accountKey: key }, async () => {
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
      });
    });
  }

  async disconnect(organizationId: string, provider: ProviderId): Promise<IntegrationRow> {
    const row = await this.repo.disconnect(organizationId, provider);
    return withAuditTarget(row ?? placeholder(organizationId, provider), {
      provider,
      accountKey: row?.account_key ?? null,
    });
  }

  /**
   * Tests the connection and records the outcome on the row. A failing test is a result the caller
   * wants to see, not an error of the mutation: whatever the failure (the provider refused, it is not
   * configured, it cannot be tested yet), the row shows ERROR with why, and the code comes with it.
   */
  async test(organizationId: string, provider: ProviderId, logger: Logger): Promise<TestResult> {
    const [row] = await this.repo.forOrganizationAndProviders(organizationId, [provider]);
    if (!row || row.status === 'disconnected') {
      throw withAuditTarget(
        new GatewayError(
          'INTEGRATION_NOT_CONNECTED',
          `${providers[provider].displayName} is not connected for this organization.`,
        ),
        { provider },
      );
    }
    const target = { provider, accountKey: row.account_key };
    try {
      await this.runtime.testConnection(row, logger);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw withAuditTarget(error, target);
      const recorded = await this.repo.recordHealth(row, { ok: false, message: error.message });
      return withAuditTarget(
        { row: recorded ?? row, errorCode: error.code },
        { ...target, failureCode: error.code },
      );
    }
    const recorded = await this.repo.recordHealth(row, { ok: true });
    return withAuditTarget({ row: recorded ?? row, errorCode: null }, target);
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
