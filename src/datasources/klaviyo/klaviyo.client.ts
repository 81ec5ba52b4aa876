import type { IntegrationHealth } from '../types';
import { GatewayError } from '../../errors/gateway-error';
import type { ProviderHttpClient } from '../../http/provider-http';
import { pathSegment } from '../input-rules';
import { KLAVIYO_OPERATIONS, type KlaviyoOperationId } from './klaviyo.operations';
import type { KlaviyoRateLimiter } from './klaviyo.rate-limiter';
import type { KlaviyoKeyAccount } from './klaviyo.key-account';

export interface KlaviyoSettings {
  baseUrl: string;
  revision: string;
  privateKey: string;
  /** The organization's public company id (site id), already validated. */
  companyId: string;
  /** Whether admin-key calls require the key's account to be this company id. */
  checkKeyAccount: boolean;
}

export interface KlaviyoCallOptions {
  /** Value for `{id}` in the path; validated by the caller, encoded here. */
  id?: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** The JSON:API media type Klaviyo requires on bodies and answers with. https://developers.klaviyo.com/en/reference/api_overview */
const JSON_API = 'application/vnd.api+json';

/**
 * Klaviyo's wire rules in one place: the `revision` header on every call, JSON:API media types,
 * `Authorization: Klaviyo-API-Key` on `/api/` calls only, `company_id` on `/client/` calls (which must
 * never carry the private key), per-operation limits, and the check that the private key belongs to
 * the organization's own Klaviyo account before any admin-key call.
 * https://developers.klaviyo.com/en/docs/authenticate_  https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy
 */
export class KlaviyoClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly settings: KlaviyoSettings,
    private readonly limiter: KlaviyoRateLimiter,
    private readonly keyAccount: KlaviyoKeyAccount,
    private readonly health: IntegrationHealth,
  ) {}

  get companyId(): string {
    return this.settings.companyId;
  }

  async call<T>(operation: KlaviyoOperationId, options: KlaviyoCallOptions = {}): Promise<T> {
    if (KLAVIYO_OPERATIONS[operation].auth === 'private' && this.settings.checkKeyAccount) {
      await this.assertKeyMatchesAccount();
    }
    return this.send<T>(operation, options);
  }

  /**
   * The private key belongs to exactly one Klaviyo account. Admin-key calls are only made for the
   * organization whose company id is that account, so connecting someone else's company id can never
   * read the platform account's data. The account's id is its public company id (GET /api/accounts).
   */
  async assertKeyMatchesAccount(): Promise<void> {
    const accountId = await this.keyAccount.accountId(() => this.fetchKeyAccountId());
    if (this.settings.checkKeyAccount && accountId !== this.settings.companyId) {
      const message = `The platform's Klaviyo private key belongs to a different Klaviyo account than company id "${this.settings.companyId}"; admin-key calls are refused for this organization.`;
      await this.health.authFailed(message);
      throw new GatewayError('UPSTREAM_AUTH_FAILED', message);
    }
  }

  /** GET /api/accounts: the cheapest authenticated call; a private key sees exactly one account. */
  async fetchKeyAccountId(): Promise<string> {
    const body = await this.send<{ data?: Array<{ id?: unknown }> }>('get_accounts', {});
    const id = body.data?.[0]?.id;
    if (typeof id !== 'string')
      throw new GatewayError('UPSTREAM_ERROR', 'Klaviyo returned no account for the private key.');
    return id;
  }

  private async send<T>(operation: KlaviyoOperationId, options: KlaviyoCallOptions): Promise<T> {
    const def = KLAVIYO_OPERATIONS[operation];
    await this.limiter.take(`${this.settings.companyId}:${operation}`, def.limit);
    const headers: Record<string, string> = { revision: this.settings.revision, accept: JSON_API };
    const query = new URLSearchParams();
    if (def.auth === 'private') headers.authorization = `Klaviyo-API-Key ${this.settings.privateKey}`;
    else query.set('company_id', this.settings.companyId);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) query.set(key, value);
    if (options.body !== undefined) headers['content-type'] = JSON_API;
    // Ids were checked by the data source; this guards the path against one that was not.
    const path = def.path.includes('{id}')
      ? def.path.replace('{id}', encodeURIComponent(pathSegment(options.id ?? '', 'id')))
      : def.path;
    const search = query.toString();
    const response = await this.http.request({
      provider: 'klaviyo',
      providerName: 'Klaviyo',
      accountKey: this.settings.companyId,
      method: def.method,
      url: `${this.settings.baseUrl}${path}${search ? `?${search}` : ''}`,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      idempotent: def.idempotent,
      health: {
        authFailed: (message) => {
          if (def.auth === 'private') this.keyAccount.forget();
          return this.health.authFailed(message);
        },
        // Only an admin-key call past the key-account check proves the credentials serve this
        // organization; client-API calls need no key and GET /api/accounts precedes the check.
        ...(def.auth === 'private' && operation !== 'get_accounts'
          ? { authSucceeded: () => this.health.authSucceeded() }
          : {}),
      },
    });
    return response.body as T;
  }
}
