import type { IntegrationHealth } from '../types';
import { GatewayError } from '../../errors/gateway-error';
import type { ProviderHttpClient, UpstreamResponse } from '../../http/provider-http';
import { UpstreamFailure } from '../../http/upstream-failure';
import type { Logger } from '../../observability/logger';
import type { ShopifyCost, ShopifyCostPacer } from './shopify.cost-pacer';
import type { ShopifyTokenCache } from './shopify.token';

export interface ShopifyCredentials {
  /** SHOPIFY_ADMIN_ACCESS_TOKEN: used as is when set. */
  accessToken?: string | undefined;
  /** Otherwise tokens come from the client-credentials grant. */
  tokens?: ShopifyTokenCache | undefined;
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
 * the X-Shopify-Access-Token header, and throttling reported in the body with HTTP 200.
 * https://shopify.dev/docs/api/admin-graphql  https://shopify.dev/docs/api/usage/limits
 */
export class ShopifyClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly store: string,
    /** `SHOPIFY_API_BASE_URL` with `{store}` already replaced. */
    private readonly storeBaseUrl: string,
    private readonly apiVersion: string,
    private readonly credentials: ShopifyCredentials,
    private readonly health: IntegrationHealth,
    private readonly logger?: Logger,
    private readonly pacer?: ShopifyCostPacer,
  ) {}

  /** Runs a query (retried on transient failures) or a mutation (never retried after a 5xx). */
  async execute<T>(
    document: string,
    variables: Record<string, unknown>,
    kind: 'query' | 'mutation',
  ): Promise<T> {
    const token = await this.accessToken();
    await this.pacer?.beforeCall(this.store, document, MAX_PACING_WAIT_MS);
    const response = await this.http.request({
      provider: 'shopify',
      providerName: 'Shopify',
      accountKey: this.store,
      method: 'POST',
      url: `${this.storeBaseUrl}/admin/api/${this.apiVersion}/graphql.json`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-shopify-access-token': token,
      },
      body: JSON.stringify({ query: document, variables }),
      idempotent: kind === 'query',
      inspect: (answer) => {
        this.pacer?.afterCall(
          this.store,
          document,
          (answer.body as GraphQLBody | undefined)?.extensions?.cost,
        );
        checkThrottle(answer);
      },
      logger: this.logger,
      health: {
        authFailed: (message) => {
          this.credentials.tokens?.forget(this.store);
          return this.health.authFailed(message);
        },
        authSucceeded: () => this.health.authSucceeded(),
      },
    });
    const body = response.body as GraphQLBody;
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

  private async accessToken(): Promise<string> {
    if (this.credentials.accessToken) return this.credentials.accessToken;
    if (!this.credentials.tokens) throw new GatewayError('PROVIDER_NOT_CONFIGURED');
    try {
      return await this.credentials.tokens.tokenFor(this.store, this.storeBaseUrl);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'UPSTREAM_AUTH_FAILED')
        await this.health.authFailed(error.message);
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
