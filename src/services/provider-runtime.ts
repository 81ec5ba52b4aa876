import type { Config } from '../config/config';
import { providers } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import { GatewayError } from '../errors/gateway-error';
import type { ProviderHttpClient } from '../http/provider-http';
import type { Logger } from '../observability/logger';
import type { IntegrationRow, IntegrationsRepo } from '../db/integrations.repo';

/**
 * Builds provider data sources from the admin configuration and an organization's integration row.
 * Lives for the gateway's lifetime; holds the per-provider shared state (token caches).
 */
export class ProviderRuntime {
  private readonly sharedState = new Map<string, unknown>();
  private readonly parsedAccounts = new WeakMap<IntegrationRow, unknown>();

  constructor(
    private readonly config: Config,
    private readonly http: ProviderHttpClient,
    private readonly integrations: IntegrationsRepo,
    private readonly logger: Logger,
  ) {}

  isConfigured(id: ProviderId): boolean {
    return this.config.providers[id].configured;
  }

  /**
   * The data source for a connected integration. Throws the codes a client can act on: not
   * configured (the platform's problem), not connected (the organization's).
   */
  dataSourceFor<P extends ProviderId>(row: IntegrationRow & { provider: P }, logger: Logger): unknown {
    const adapter = providers[row.provider];
    const providerConfig = this.config.providers[row.provider];
    if (!providerConfig.configured) {
      throw new GatewayError(
        'PROVIDER_NOT_CONFIGURED',
        `${adapter.displayName} is not configured on this gateway (missing ${providerConfig.missing.join(', ')}).`,
      );
    }
    if (row.status === 'disconnected' || !row.account_identifier) {
      throw new GatewayError(
        'INTEGRATION_NOT_CONNECTED',
        `${adapter.displayName} is not connected for this organization.`,
      );
    }
    if (!adapter.createDataSource) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `${adapter.displayName} has no data operations in this version of the gateway.`,
      );
    }
    // Parse again: rows written by an older version must still satisfy today's rules. Once per row
    // object: cached rows are shared by requests, so this stays off the hot path.
    let account = this.parsedAccounts.get(row);
    if (account === undefined) {
      account = (adapter.account.parse as (input: unknown) => unknown)(row.account_identifier);
      this.parsedAccounts.set(row, account);
    }
    const create = adapter.createDataSource as (deps: unknown) => unknown;
    return create({
      env: providerConfig.env,
      account,
      accountKey: row.account_key ?? '',
      http: this.http,
      logger,
      // Awaited before the error reaches the client, so whoever looks next sees status ERROR.
      onAuthFailure: async (message: string) => {
        await this.integrations.recordHealth(row.id, { ok: false, message }).catch((error: unknown) => {
          this.logger.error({ err: error, integrationId: row.id }, 'could not record integration error');
        });
      },
      shared: <T>(key: string, make: () => T): T => {
        const fullKey = `${row.provider}:${key}`;
        if (!this.sharedState.has(fullKey)) this.sharedState.set(fullKey, make());
        return this.sharedState.get(fullKey) as T;
      },
    });
  }

  async testConnection(row: IntegrationRow, logger: Logger): Promise<void> {
    const adapter = providers[row.provider];
    const dataSource = this.dataSourceFor(row, logger);
    if (!adapter.testConnection) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `Testing a ${adapter.displayName} connection is not available yet.`,
      );
    }
    await (adapter.testConnection as (ds: unknown) => Promise<void>)(dataSource);
  }
}
