import { GatewayError } from '../../errors/gateway-error';
import type { UpstreamResponse } from '../../http/provider-http';
import { UpstreamFailure } from '../../http/upstream-failure';
import { ProviderClient, type ProviderCall, type ProviderClientOptions } from '../provider-client';
import type { ShopifyCost, ShopifyCostPacer } from './shopify.cost-pacer';
import type { ShopifyTokenCache } from './shopify.token';
import type { ScopeGate } from '../../services/provider-scopes';
import { OPERATION_SCOPES, operationName } from './shopify.scopes';

export interface ShopifyCredentials {
  /** SHOPIFY_ADMIN_ACCESS_TOKEN: used as is when set. */
  accessToken?: string | undefined;
  /** Otherwise tokens come from the client-credentials grant. */
  tokens?: ShopifyTokenCache | undefined;
}

export interface ShopifySettings {
  /** The store name, the account key. */
  store: string;
  /** `SHOPIFY_API_BASE_URL` with `{store}` already replaced. */
  storeBaseUrl: string;
  apiVersion: string;
  credentials: ShopifyCredentials;
  pacer?: ShopifyCostPacer | undefined;
  /** Refuses a document whose access scope the installation lacks, before it is sent. */
  scopes?: ScopeGate | undefined;
}

/** Longest wait for the cost bucket before answering UPSTREAM_RATE_LIMITED instead. */
const MAX_PACING_WAIT_MS = 2_000;

interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message?: string; extensions?: { code?: string } }> | string;
  extensions?: { cost?: ShopifyCost };
}

/**
 * Sends Admin GraphQL documents for one store. Knows Shopify's wire rules: the versioned endpoint,
 * the X-Shopify-Access-Token header, pacing by query cost, and throttling reported in the body with
 * HTTP 200. The GraphQL document is the operation the hooks see.
 * https://shopify.dev/docs/api/admin-graphql  https://shopify.dev/docs/api/usage/limits
 */
export class ShopifyClient extends ProviderClient<string> {
  constructor(
    deps: Pick<ProviderClientOptions, 'http' | 'health' | 'logger'>,
    private readonly settings: ShopifySettings,
  ) {
    super({
      ...deps,
      provider: 'shopify',
      providerName: 'Shopify',
      accountKey: settings.store,
      baseUrl: settings.storeBaseUrl,
    });
  }

  /**
   * Runs a query (retried on transient failures; identical ones in flight share one call) or a
   * mutation (never retried after a 5xx, never shared).
   */
  async execute<T>(
    document: string,
    variables: Record<string, unknown>,
    kind: 'query' | 'mutation',
  ): Promise<T> {
    const body = await this.post<GraphQLBody>(`/admin/api/${this.settings.apiVersion}/graphql.json`, {
      body: { query: document, variables },
      idempotent: kind === 'query',
      shareable: kind === 'query',
      operation: document,
    });
    if (typeof body !== 'object' || body === null) {
      throw new GatewayError('UPSTREAM_ERROR', 'Shopify answered with something that is not GraphQL.');
    }
    if (body.errors && !body.data) {
      // Query-level errors: our documents are validated against the schema, so this is a version
      // mismatch or a Shopify-side failure; its text stays in the logs.
      throw new GatewayError('UPSTREAM_ERROR', 'Shopify could not run the query.', {
        details: { errors: body.errors },
      });
    }
    return body.data as T;
  }

  protected override async authHeaders(): Promise<Record<string, string>> {
    return { 'x-shopify-access-token': await this.accessToken() };
  }

  protected override beforeCall(call: ProviderCall<string>): Promise<void> | void {
    const { scopes, credentials, store } = this.settings;
    if (scopes) {
      // A client-credentials token says its scopes in the grant: known without asking.
      const fromGrant = credentials.tokens?.scopesFor(store);
      if (fromGrant) scopes.remember(fromGrant);
      const name = operationName(call.operation ?? '');
      scopes.require((name && OPERATION_SCOPES[name]) || []);
    }
    return this.settings.pacer?.beforeCall(this.settings.store, call.operation ?? '', MAX_PACING_WAIT_MS);
  }

  protected override afterCall(response: UpstreamResponse, call: ProviderCall<string>): void {
    const cost = (response.body as GraphQLBody | undefined)?.extensions?.cost;
    this.settings.pacer?.afterCall(this.settings.store, call.operation ?? '', cost);
    checkThrottle(response);
  }

  protected override onAuthFailed(): void {
    this.settings.credentials.tokens?.forget(this.settings.store);
  }

  private async accessToken(): Promise<string> {
    const { credentials, store, storeBaseUrl } = this.settings;
    if (credentials.accessToken) return credentials.accessToken;
    if (!credentials.tokens) throw new GatewayError('PROVIDER_NOT_CONFIGURED');
    try {
      return await credentials.tokens.tokenFor(store, storeBaseUrl, this.options.logger);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'UPSTREAM_AUTH_FAILED')
        await this.options.health.authFailed(error.message);
      throw error;
    }
  }
}

/**
 * Shopify reports GraphQL throttling in the body of an HTTP 200 (`errors[].extensions.code =
 * THROTTLED`, message "Throttled"). Turn it into a retryable failure that waits just long enough for
 * the bucket to refill the requested cost at the restore rate.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
function checkThrottle(response: UpstreamResponse): void {
  const body = response.body as GraphQLBody;
  if (!body || typeof body !== 'object' || !Array.isArray(body.errors)) return;
  const throttled = body.errors.some((e) => e.extensions?.code === 'THROTTLED' || e.message === 'Throttled');
  if (!throttled) return;
  const cost = body.extensions?.cost;
  const requested = cost?.requestedQueryCost ?? 50;
  const available = cost?.throttleStatus?.currentlyAvailable ?? 0;
  const restoreRate = cost?.throttleStatus?.restoreRate ?? 50;
  const waitMs = Math.ceil((Math.max(0, requested - available) / Math.max(1, restoreRate)) * 1000);
  throw new UpstreamFailure('UPSTREAM_RATE_LIMITED', response.status, 'Shopify: Throttled', waitMs);
}
