import type { IntegrationHealth } from '../types';
import type { ProviderHttpClient } from '../../http/provider-http';
import type { KustomerRateLimitState } from './kustomer.rate-limit';

export interface KustomerSettings {
  /** KUSTOMER_API_BASE_URL with `{subdomain}` replaced. */
  baseUrl: string;
  apiKey: string;
  subdomain: string;
}

/**
 * Kustomer's REST rules in one place: `Authorization: Bearer <KUSTOMER_API_KEY>`, JSON bodies, paths
 * under `/v1`, and the org-wide `x-ratelimit-*` headers.
 * https://developer.kustomer.com/kustomer-api-docs/reference/authentication
 * https://developer.kustomer.com/kustomer-api-docs/reference/rate-limiting
 */
export class KustomerClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly settings: KustomerSettings,
    private readonly limits: KustomerRateLimitState,
    private readonly health: IntegrationHealth,
  ) {}

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Record<string, string | undefined>; body?: unknown; idempotent?: boolean } = {},
  ): Promise<T> {
    const org = this.settings.subdomain;
    this.limits.check(org);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) query.set(key, value);
    const search = query.toString();
    const response = await this.http.request({
      provider: 'kustomer',
      providerName: 'Kustomer',
      accountKey: org,
      method,
      url: `${this.settings.baseUrl}${path}${search ? `?${search}` : ''}`,
      headers: {
        authorization: `Bearer ${this.settings.apiKey}`,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
      inspect: (res) => this.limits.record(org, res.headers['x-ratelimit-remaining']),
      health: this.health,
    });
    return response.body as T;
  }
}
