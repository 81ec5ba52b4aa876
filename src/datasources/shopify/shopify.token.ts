import { GatewayError } from '../../errors/gateway-error';
import type { ProviderHttpClient } from '../../http/provider-http';
import type { Logger } from '../../observability/logger';

interface CachedToken {
  token: string;
  /** The grant's `scope`: the access scopes the token carries, comma-separated. */
  scope: string | undefined;
  /** When to stop using it: a minute before Shopify says it expires. */
  refreshAt: number;
}

/** Renew this long before `expires_in` runs out, so no call is made with a token about to die. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Access tokens from Shopify's client-credentials grant, one per store, cached until shortly before
 * they expire, with at most one token request in flight per store.
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 */
export class ShopifyTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly http: ProviderHttpClient,
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly now: () => number = Date.now,
  ) {}

  /** `logger`: the asking request's, so a retried or failed token call carries its request id. */
  async tokenFor(store: string, storeBaseUrl: string, logger?: Logger): Promise<string> {
    const cached = this.tokens.get(store);
    if (cached && cached.refreshAt > this.now()) return cached.token;
    let pending = this.inFlight.get(store);
    if (!pending) {
      pending = this.fetchToken(store, storeBaseUrl, logger).finally(() => this.inFlight.delete(store));
      this.inFlight.set(store, pending);
    }
    return pending;
  }

  /** The access scopes the store's current token was granted, when the grant said (no extra call). */
  scopesFor(store: string): string[] | undefined {
    const scope = this.tokens.get(store)?.scope;
    return scope === undefined
      ? undefined
      : scope
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }

  /** After Shopify refuses a cached token (uninstalled and reinstalled app, rotated secret). */
  forget(store: string): void {
    this.tokens.delete(store);
  }

  private async fetchToken(store: string, storeBaseUrl: string, logger?: Logger): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    }).toString();
    let response;
    try {
      response = await this.http.request({
        provider: 'shopify',
        providerName: 'Shopify',
        accountKey: store,
        method: 'POST',
        url: `${storeBaseUrl}/admin/oauth/access_token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // Asking for a token twice is harmless.
        idempotent: true,
        ...(logger ? { logger } : {}),
      });
    } catch (error) {
      throw this.explain(error, store);
    }
    const payload = response.body as { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    if (typeof payload.access_token !== 'string') {
      throw new GatewayError(
        'UPSTREAM_ERROR',
        'Shopify returned no access token for the client-credentials grant.',
      );
    }
    const expiresInMs = typeof payload.expires_in === 'number' ? payload.expires_in * 1000 : 3_600_000;
    this.tokens.set(store, {
      token: payload.access_token,
      scope: typeof payload.scope === 'string' ? payload.scope : undefined,
      refreshAt: this.now() + Math.max(0, expiresInMs - EXPIRY_MARGIN_MS),
    });
    return payload.access_token;
  }

  /**
   * Shopify answers a store that never installed the app with `app_not_installed`; say so, since
   * "credentials rejected" would send the admin looking at the wrong thing.
   */
  private explain(error: unknown, store: string): unknown {
    if (!(error instanceof GatewayError)) return error;
    const upstreamBody = (error.details?.body ?? '') as string;
    if (
      error.code === 'UPSTREAM_AUTH_FAILED' ||
      error.code === 'UPSTREAM_ERROR' ||
      error.code === 'NOT_FOUND'
    ) {
      const notInstalled = /app_not_installed/.test(upstreamBody);
      return new GatewayError(
        'UPSTREAM_AUTH_FAILED',
        notInstalled
          ? `The platform's Shopify app is not installed on the store "${store}". Install it from the store admin, then test the integration again.`
          : `Shopify refused the platform app's client credentials for the store "${store}".`,
      );
    }
    return error;
  }
}
