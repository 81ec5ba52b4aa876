import { claimKey, providers } from '../datasources/registry';
import type { ProviderAdapter, ProviderId } from '../datasources/types';
import {
  AccountClaimedError,
  holdsAccount,
  type IntegrationRow,
  type IntegrationsRepo,
} from '../db/integrations.repo';
import type { ErrorCode } from '../errors/codes';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import { actOn, withAuditTarget } from './audit-target';
import { readScopeReport, type ProviderRuntime } from './provider-runtime';
import type { ScopeReport } from './provider-scopes';
import { newClaimToken, type ClaimPolicy } from './account-claims';

/** What GraphQL's `IntegrationPayload` resolves from: the row, and what the action reports. */
export interface IntegrationPayloadModel {
  integration: IntegrationRow;
  errorCode: string | null;
  /** testIntegration: the scope report (absent elsewhere). */
  scopes?: ScopeReport | null;
  /** The row again while it is PENDING: its claim. */
  claim?: IntegrationRow | null;
}

/** The outcome of a connection test: the row as recorded, and the failure's code when it failed. */
export interface TestResult {
  row: IntegrationRow;
  errorCode: ErrorCode | null;
  /** What the credentials were granted against what the features need (providers with scopes). */
  scopes?: ScopeReport | null;
}

/**
 * Connect, disconnect and test: the integration lifecycle, independent of GraphQL. Each method's
 * result (or error) carries its audit target (services/audit-target.ts).
 */
export class IntegrationsService {
  constructor(
    private readonly repo: IntegrationsRepo,
    private readonly runtime: ProviderRuntime,
    /** ACCOUNT_CLAIM_POLICY; the legacy importer connects as the platform itself, so `open`. */
    private readonly claimPolicy: ClaimPolicy = 'open',
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
          return await this.repo.connect(
            organizationId,
            provider,
            account,
            key,
            await this.claimFor(organizationId, provider, key),
          );
        } catch (error) {
          if (error instanceof AccountClaimedError) throw alreadyConnected(provider);
          throw error;
        }
      });
    });
  }

  /**
   * Under `approval`, a new claim waits as pending with a fresh token; re-connecting the account the
   * organization already holds keeps it. An account another organization holds is refused at once
   * (IntegrationsRepo.connect lets the claim index decide).
   */
  private async claimFor(
    organizationId: string,
    provider: ProviderId,
    key: string,
  ): Promise<{ status: 'connected' } | { status: 'pending'; token: string }> {
    if (this.claimPolicy === 'open') return { status: 'connected' };
    const [own] = await this.repo.forOrganizationAndProviders(organizationId, [provider]);
    if (own && holdsAccount(own) && own.account_key === key) return { status: 'connected' };
    return { status: 'pending', token: newClaimToken() };
  }

  /**
   * Reads the organization's proof of control of a pending claim and approves it when the account
   * shows the token. Without a pending claim: BAD_USER_INPUT; without proof (none possible, or not
   * there yet): the row stays PENDING and the result's code is INTEGRATION_PENDING_APPROVAL.
   */
  async verifyClaim(organizationId: string, provider: ProviderId, logger: Logger): Promise<TestResult> {
    const [row] = await this.repo.forOrganizationAndProviders(organizationId, [provider]);
    const name = providers[provider].displayName;
    if (!row || row.status !== 'pending') {
      throw withAuditTarget(
        new GatewayError('BAD_USER_INPUT', `This organization has no pending claim on a ${name} account.`),
        { provider },
      );
    }
    const target = { provider, accountKey: row.account_key };
    const adapter = providers[provider] as ProviderAdapter<unknown, unknown, unknown>;
    const pending = () =>
      withAuditTarget(
        { row, errorCode: 'INTEGRATION_PENDING_APPROVAL' as const },
        { ...target, failureCode: 'INTEGRATION_PENDING_APPROVAL' },
      );
    if (!adapter.claimProof || !row.claim_token) return pending();
    let proven: boolean;
    try {
      const dataSource = this.runtime.dataSourceFor(row, logger, { forClaimProof: true });
      proven = await adapter.claimProof.verify(dataSource, row.claim_token);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw withAuditTarget(error, target);
      return withAuditTarget({ row, errorCode: error.code }, { ...target, failureCode: error.code });
    }
    if (!proven) return pending();
    const approved = await this.settle(organizationId, provider, { approve: true });
    logger.info({ provider, organizationId }, 'account claim approved by proof of control');
    return withAuditTarget({ row: approved, errorCode: null }, target);
  }

  /** A platform administrator's decision on a pending claim; NOT_FOUND without one. */
  async settle(
    organizationId: string,
    provider: ProviderId,
    decision: { approve: true } | { approve: false; message: string },
  ): Promise<IntegrationRow> {
    // Filed under the organization acted on only once it is known to exist (the audit row's key).
    return actOn({ provider }, async () => {
      if (!UUID.test(organizationId))
        throw new GatewayError('BAD_USER_INPUT', 'organizationId must be a UUID.');
      let row: IntegrationRow | undefined;
      try {
        row = await this.repo.settleClaim(organizationId, provider, decision);
      } catch (error) {
        if (error instanceof AccountClaimedError) throw alreadyConnected(provider);
        throw error;
      }
      if (!row) {
        throw new GatewayError(
          'NOT_FOUND',
          `The organization has no pending claim on a ${providers[provider].displayName} account.`,
        );
      }
      return withAuditTarget(row, { provider, organizationId, accountKey: row.account_key });
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
    if (row.status === 'pending') {
      // A pending claim is tested by reading its proof of control, and only then the connection.
      const verified = await this.verifyClaim(organizationId, provider, logger);
      if (verified.errorCode) return verified;
      return this.test(organizationId, provider, logger);
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
    const scopes = await readScopeReport(this.runtime, row, logger);
    return withAuditTarget({ row: recorded ?? row, errorCode: null, scopes }, target);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function alreadyConnected(provider: ProviderId): GatewayError {
  return new GatewayError(
    'ACCOUNT_ALREADY_CONNECTED',
    `This ${providers[provider].displayName} account is already connected to another organization. It must be disconnected there first.`,
  );
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
