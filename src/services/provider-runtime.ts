import type { Config } from '../config/config';
import { providers } from '../datasources/registry';
import type { IntegrationHealth, ProviderAdapter, ProviderId } from '../datasources/types';
import type { MessagingChannel } from '../messaging/messaging.types';
import { GatewayError } from '../errors/gateway-error';
import type { ProviderHttpClient } from '../http/provider-http';
import type { Logger } from '../observability/logger';
import { holdsAccount, type IntegrationRow, type IntegrationsRepo } from '../db/integrations.repo';
import { pendingMessage } from './account-claims';
import type { FairShare, QuotaGate } from './fair-share';
import { ScopeRegistry, scopeReport, type ScopeReport } from './provider-scopes';

/**
 * Builds provider data sources from the admin configuration and an organization's integration row.
 * Lives for the gateway's lifetime; holds the per-provider shared state (token caches).
 */
export class ProviderRuntime {
  private readonly sharedState = new Map<string, unknown>();
  private readonly parsedAccounts = new WeakMap<IntegrationRow, unknown>();
  /** Granted scopes per provider, account and credentials, for the gateway's lifetime. */
  readonly scopes = new ScopeRegistry();

  constructor(
    private readonly config: Config,
    private readonly http: ProviderHttpClient,
    private readonly integrations: IntegrationsRepo,
    private readonly logger: Logger,
    /** Splits each provider's quota among organizations; without it nothing is counted (unit tests). */
    private readonly fairShare?: FairShare,
  ) {}

  isConfigured(id: ProviderId): boolean {
    return this.config.providers[id].configured;
  }

  /** Names of the admin variables the platform has yet to set for a provider (never values). */
  missingVariables(id: ProviderId): string[] {
    const providerConfig = this.config.providers[id];
    return providerConfig.configured ? [] : providerConfig.missing;
  }

  /** The provider's admin configuration (PROVIDER_NOT_CONFIGURED when absent). */
  envOf(id: ProviderId): unknown {
    return this.configuredEnv(id);
  }

  /** Throws PROVIDER_NOT_CONFIGURED, naming the missing variables, unless the platform configured it. */
  assertConfigured(id: ProviderId): void {
    this.configuredEnv(id);
  }

  private configuredEnv(id: ProviderId): unknown {
    const providerConfig = this.config.providers[id];
    if (!providerConfig.configured) {
      throw new GatewayError(
        'PROVIDER_NOT_CONFIGURED',
        `${providers[id].displayName} is not configured on this gateway (missing ${providerConfig.missing.join(', ')}).`,
      );
    }
    return providerConfig.env;
  }

  /**
   * The data source for a connected integration. Throws the codes a client can act on: not
   * configured (the platform's problem), not connected (the organization's).
   */
  dataSourceFor<P extends ProviderId>(
    row: IntegrationRow & { provider: P },
    logger: Logger,
    /** Only to read the organization's proof of control (services/account-claims.ts). */
    options: { forClaimProof?: boolean } = {},
  ): unknown {
    const adapter = providers[row.provider];
    const env = this.configuredEnv(row.provider);
    if (row.status === 'pending' && !options.forClaimProof) {
      throw new GatewayError('INTEGRATION_PENDING_APPROVAL', pendingMessage(row));
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
    const scopeKey = this.scopes.key(row.provider, row.account_key ?? '', env);
    return this.create(
      row.provider,
      row.organization_id,
      env,
      account,
      row.account_key ?? '',
      this.healthOf(row, scopeKey),
      logger,
    );
  }

  private create(
    provider: ProviderId,
    organizationId: string,
    env: unknown,
    account: unknown,
    accountKey: string,
    health: IntegrationHealth,
    logger: Logger,
  ): unknown {
    const create = providers[provider].createDataSource as (deps: unknown) => unknown;
    const adapter = providers[provider] as ProviderAdapter<unknown, unknown, unknown>;
    return create({
      scopes: this.scopes.gate(
        this.scopes.key(provider, accountKey, env),
        adapter.displayName,
        accountKey,
        adapter.scopes,
      ),
      env,
      account,
      accountKey,
      http: this.http,
      logger,
      health,
      shared: <T>(key: string, make: () => T): T => {
        const fullKey = `${provider}:${key}`;
        if (!this.sharedState.has(fullKey)) this.sharedState.set(fullKey, make());
        return this.sharedState.get(fullKey) as T;
      },
      quota: this.fairShare?.gate(provider, organizationId, providers[provider].quota) ?? NO_QUOTA,
    });
  }

  /**
   * The messaging channel an organization sends through, and the account key it sends from: its
   * connected integration's, or (no row, and the adapter declares `sharedAccount`) the platform's
   * shared account. Otherwise INTEGRATION_NOT_CONNECTED, or PROVIDER_NOT_CONFIGURED first.
   */
  messagingChannelFor(
    organizationId: string,
    provider: ProviderId,
    row: IntegrationRow | undefined,
    logger: Logger,
  ): MessagingTarget {
    const adapter = providers[provider] as ProviderAdapter<unknown, unknown, unknown>;
    const env = this.configuredEnv(provider);
    if (!adapter.messaging || !adapter.createDataSource) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `${adapter.displayName} cannot send messages in this version.`,
      );
    }
    const usable = row && row.organization_id === organizationId && holdsAccount(row);
    if (usable) {
      const dataSource = this.dataSourceFor(row as IntegrationRow & { provider: ProviderId }, logger);
      return { channel: adapter.messaging(dataSource), accountKey: row.account_key ?? '', shared: false };
    }
    if (adapter.sharedAccount) {
      const accountKey = adapter.sharedAccountKey?.(env) ?? '';
      const dataSource = this.create(provider, organizationId, env, undefined, accountKey, NO_HEALTH, logger);
      return { channel: adapter.messaging(dataSource), accountKey, shared: true };
    }
    if (row?.status === 'pending' && row.organization_id === organizationId) {
      throw new GatewayError('INTEGRATION_PENDING_APPROVAL', pendingMessage(row));
    }
    throw new GatewayError(
      'INTEGRATION_NOT_CONNECTED',
      `${adapter.displayName} is not connected for this organization.`,
    );
  }

  private healthOf(row: IntegrationRow, scopeKey: string): IntegrationHealth {
    const record = async (health: { ok: true } | { ok: false; message: string }) => {
      await this.integrations.recordHealth(row, health).catch((error: unknown) => {
        this.logger.error({ err: error, integrationId: row.id }, 'could not record integration health');
      });
    };
    return {
      authFailed: (message) => {
        // Refused credentials may be new ones (the app reinstalled): read the grants again.
        this.scopes.forget(scopeKey);
        return record({ ok: false, message });
      },
      // A row in ERROR whose credentials work again is healed by the next accepted call, not only by
      // a test. Rows that are fine cost nothing: no write on the hot path.
      authSucceeded: row.status === 'error' ? once(() => record({ ok: true })) : async () => undefined,
    };
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

/**
 * Reads the scopes the credentials were granted, where the provider exposes them, remembers them for
 * the call gate, and compares them with what the features need. Null for providers without scopes.
 */
export async function readScopeReport(
  runtime: ProviderRuntime,
  row: IntegrationRow,
  logger: Logger,
): Promise<ScopeReport | null> {
  const adapter = providers[row.provider] as ProviderAdapter<unknown, unknown, unknown>;
  const declared = adapter.scopes;
  if (!declared) return null;
  if (!declared.read) return scopeReport(adapter.displayName, declared, undefined);
  let granted: readonly string[];
  try {
    granted = await declared.read(runtime.dataSourceFor(row, logger));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return {
      ...scopeReport(adapter.displayName, declared, undefined)!,
      summary: [`The granted ${declared.noun}s could not be read: ${error.message}`],
    };
  }
  runtime.scopes.remember(
    runtime.scopes.key(row.provider, row.account_key ?? '', runtime.envOf(row.provider)),
    granted,
  );
  return scopeReport(adapter.displayName, declared, granted);
}

/** Where a message is sent from: the channel, and the account key its conversation is filed under. */
export interface MessagingTarget {
  channel: MessagingChannel;
  accountKey: string;
  /** True when sent from the platform's shared account (no integration of the organization). */
  shared: boolean;
}

/** The shared account belongs to the platform: its failures say nothing about an integration. */
const NO_HEALTH: IntegrationHealth = {
  authFailed: async () => undefined,
  authSucceeded: async () => undefined,
};

/** No fair share: every call passes uncounted. */
const NO_QUOTA: QuotaGate = {
  quota: undefined,
  take: async () => ({ settle: async () => undefined }),
  hold: () => () => undefined,
};

/** A function that runs its body the first time only and returns that same promise afterwards. */
function once(run: () => Promise<void>): () => Promise<void> {
  let ran: Promise<void> | undefined;
  return () => (ran ??= run());
}
