import type { z } from 'zod';
import type { AccountFieldSpec } from './account-fields';
import type { ProviderHttpClient } from '../http/provider-http';
import type { MessagingChannel } from '../messaging/messaging.types';
import type { Logger } from '../observability/logger';
import type { ProviderWebhooks } from '../webhooks/webhook.types';
import type { QuotaGate } from '../services/fair-share';
import type { ProviderQuota } from '../services/provider-quota';
import type { ProviderScopes, ScopeGate } from '../services/provider-scopes';
import type { ClaimProof } from '../services/account-claims';

/** Lowercase provider ids as stored in `integrations.provider`: the registry's keys. */
export type { ProviderId } from './registry';

/**
 * What provider calls tell about an integration: a refusal of the admin credentials turns it ERROR,
 * and a later call that the provider accepted turns it back (both awaited before the caller answers,
 * so whoever reads next sees the new status).
 */
export interface IntegrationHealth {
  authFailed(message: string): Promise<void>;
  authSucceeded(): Promise<void>;
}

/** What a data source is built from: the admin credentials, one organization's account, shared plumbing. */
export interface DataSourceDeps<Env, Account> {
  env: Env;
  account: Account;
  /** The normalized account key; circuit breakers and caches are per account. */
  accountKey: string;
  http: ProviderHttpClient;
  logger: Logger;
  /** Reports what calls prove about the admin credentials, so the integration's status follows. */
  health: IntegrationHealth;
  /** State kept for the gateway's lifetime, one per provider and key (token caches and the like). */
  shared: <T>(key: string, create: () => T) => T;
  /** This organization's fair share of the provider's quota (src/services/fair-share.ts). */
  quota: QuotaGate;
  /** Refuses a call whose scope the credentials lack, before it is sent (services/provider-scopes.ts). */
  scopes: ScopeGate;
}

/**
 * Everything the gateway knows about one provider. Adding a provider means one folder that exports
 * one of these and one line in `registry.ts`.
 */
export interface ProviderAdapter<
  Env = unknown,
  Account = unknown,
  DataSource = unknown,
  Id extends string = string,
> {
  /** Lowercase, as stored in `integrations.provider`; GraphQL's `Provider` value is its upper case. */
  id: Id;
  /** Name in documentation and messages. */
  displayName: string;
  /** The GraphQL object type in `union Integration`. */
  typename: string;
  /** Admin variables (names are the seed's): missing any makes the provider "not configured". */
  envSchema: z.ZodType<Env>;
  /** Names of the admin variables, for start-up logs and docs; never their values. */
  envVars: readonly string[];
  /** What the provider offers an organization, in words (the seed's feature list). */
  features: readonly string[];
  /**
   * The scopes the seed asks for and the ones each feature needs, and how to read what the
   * credentials were granted (testIntegration's scope report). Absent: the provider has no scopes.
   */
  scopes?: ProviderScopes<NoInfer<DataSource>>;
  account: {
    /** What the organization types to connect, as data (empty when it gives nothing). */
    fields: readonly AccountFieldSpec[];
    /** Validates and normalizes what the organization typed, before any network call. */
    parse(input: unknown): Account;
    /** The key that one organization at a time may hold (lowercase, canonical). */
    key(account: Account): string;
  };
  /** Builds the provider's data source; absent while a provider has only its identifier. */
  createDataSource?(deps: DataSourceDeps<Env, Account>): DataSource;
  /**
   * The provider's documented limit on the platform's credentials (contracts/PROVIDER-FACTS.md): the
   * budget organizations share fairly. Absent: no shared quota is counted.
   */
  quota?: ProviderQuota;
  /**
   * How an organization proves it controls the account (ACCOUNT_CLAIM_POLICY=approval), where the
   * provider allows it; absent, only a platform administrator can approve a pending claim.
   */
  claimProof?: ClaimProof<NoInfer<Account>, NoInfer<DataSource>>;
  /** One cheap authenticated call that proves the account is reachable with the admin credentials. */
  testConnection?(dataSource: DataSource): Promise<void>;
  /** Verifier, extractor and handler of the provider's webhooks (`POST /webhooks/<id>`); 404 without. */
  webhooks?: ProviderWebhooks<NoInfer<Env>>;
  /**
   * The messaging capability (src/messaging/): the channel that sends through this data source.
   * A provider whose data source implements MessagingChannel sets `messaging: (ds) => ds`.
   */
  messaging?(dataSource: DataSource): MessagingChannel;
  /**
   * True when an organization without a connected integration may still use the platform's own
   * account (WhatsApp's shared number): the data source is then built with `account: undefined`
   * and the account key {@link sharedAccountKey} gives.
   */
  sharedAccount?: boolean;
  /**
   * The platform's shared account key, normalized exactly like `account.key` (so replies on the
   * shared account route to the same conversations). Required with `sharedAccount`.
   */
  sharedAccountKey?(env: NoInfer<Env>): string;
  /**
   * The card is a read-only view of state the platform keeps (Stripe: the organization's billing):
   * there is nothing to connect, test or disconnect (ProviderInfo.connectable is false).
   */
  readOnlyCard?: true;
}

/** Helper that keeps each adapter's own Env/Account/DataSource types while checking the shape. */
export function defineProvider<Env, Account, DataSource, const Id extends string>(
  adapter: ProviderAdapter<Env, Account, DataSource, Id>,
): ProviderAdapter<Env, Account, DataSource, Id> {
  return adapter;
}
