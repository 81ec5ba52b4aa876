import type { UpstreamResponse } from '../../http/provider-http';
import { ProviderClient, type ProviderClientOptions } from '../provider-client';
import type { KustomerRateLimitState } from './kustomer.rate-limit';
import type { QuotaGate } from '../../services/fair-share';

export interface KustomerSettings {
  /** KUSTOMER_API_BASE_URL with `{subdomain}` replaced. */
  baseUrl: string;
  apiKey: string;
  subdomain: string;
  /** Kustomer's quota is org-wide: remembered across requests. */
  limits: KustomerRateLimitState;
  /** This organization's share of the rpm every organization draws on through the one API key. */
  quota: QuotaGate;
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

  protected override async beforeCall(): Promise<void> {
    this.settings.limits.check(this.settings.subdomain);
    const { quota } = this.settings;
    if (quota.quota?.limit) {
      await quota.take('key', { limit: quota.quota.limit, windowSeconds: quota.quota.windowSeconds });
    }
  }

  protected override afterCall(response: UpstreamResponse): void {
    this.settings.limits.record(this.settings.subdomain, response.headers['x-ratelimit-remaining']);
  }
}
