import type { UpstreamResponse } from '../../http/provider-http';
import { ProviderClient, type ProviderClientOptions } from '../provider-client';
import type { KustomerRateLimitState } from './kustomer.rate-limit';

export interface KustomerSettings {
  /** KUSTOMER_API_BASE_URL with `{subdomain}` replaced. */
  baseUrl: string;
  apiKey: string;
  subdomain: string;
  /** Kustomer's quota is org-wide: remembered across requests. */
  limits: KustomerRateLimitState;
}

/**
 * Kustomer's REST rules in one place: `Authorization: Bearer <KUSTOMER_API_KEY>`, JSON bodies, paths
 * under `/v1`, and the org-wide `x-ratelimit-*` headers.
 * https://developer.kustomer.com/kustomer-api-docs/reference/authentication
 * https://developer.kustomer.com/kustomer-api-docs/reference/rate-limiting
 */
export class KustomerClient extends ProviderClient {
  constructor(
    deps: Pick<ProviderClientOptions, 'http' | 'health' | 'logger'>,
    private readonly settings: KustomerSettings,
  ) {
    super({
      ...deps,
      provider: 'kustomer',
      providerName: 'Kustomer',
      accountKey: settings.subdomain,
      baseUrl: settings.baseUrl,
    });
  }

  protected override authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.settings.apiKey}` };
  }

  protected override beforeCall(): void {
    this.settings.limits.check(this.settings.subdomain);
  }

  protected override afterCall(response: UpstreamResponse): void {
    this.settings.limits.record(this.settings.subdomain, response.headers['x-ratelimit-remaining']);
  }
}
