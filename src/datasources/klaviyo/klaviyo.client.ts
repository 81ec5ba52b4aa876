import { GatewayError } from '../../errors/gateway-error';
import { pathSegment } from '../input-rules';
import {
  ProviderClient,
  type ProviderCall,
  type ProviderClientOptions,
  type Query,
} from '../provider-client';
import { KLAVIYO_OPERATIONS, type KlaviyoOperationId } from './klaviyo.operations';
import type { KlaviyoRateLimiter } from './klaviyo.rate-limiter';
import type { KlaviyoKeyAccount } from './klaviyo.key-account';
import type { QuotaGate } from '../../services/fair-share';

export interface KlaviyoSettings {
  baseUrl: string;
  revision: string;
  privateKey: string;
  /** The organization's public company id (site id), already validated. */
  companyId: string;
  /** Whether admin-key calls require the key's account to be this company id. */
  checkKeyAccount: boolean;
  /** Both outlive the request: limits are counted per account, the key's account is asked once. */
  limiter: KlaviyoRateLimiter;
  keyAccount: KlaviyoKeyAccount;
  /** This organization's share of the private key's per-operation limits (one account's quota). */
  quota: QuotaGate;
}

export interface KlaviyoCallOptions {
  /** Value for `{id}` in the path; validated by the caller, encoded here. */
  id?: string;
  query?: Query;
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
export class KlaviyoClient extends ProviderClient<KlaviyoOperationId> {
  constructor(
    deps: Pick<ProviderClientOptions, 'http' | 'health' | 'logger'>,
    private readonly settings: KlaviyoSettings,
  ) {
    super({
      ...deps,
      provider: 'klaviyo',
      providerName: 'Klaviyo',
      accountKey: settings.companyId,
      baseUrl: settings.baseUrl,
      mediaType: JSON_API,
    });
  }

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
    const accountId = await this.settings.keyAccount.accountId(() => this.fetchKeyAccountId());
    if (this.settings.checkKeyAccount && accountId !== this.settings.companyId) {
      const message = `The platform's Klaviyo private key belongs to a different Klaviyo account than company id "${this.settings.companyId}"; admin-key calls are refused for this organization.`;
      await this.options.health.authFailed(message);
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

  protected override defaultHeaders(): Record<string, string> {
    return { revision: this.settings.revision };
  }

  protected override authHeaders(call: ProviderCall<KlaviyoOperationId>): Record<string, string> {
    return isPrivate(call) ? { authorization: `Klaviyo-API-Key ${this.settings.privateKey}` } : {};
  }

  protected override async beforeCall(call: ProviderCall<KlaviyoOperationId>): Promise<void> {
    const operation = call.operation;
    // A programming error: every Klaviyo call goes through `call`, which names its operation.
    if (operation === undefined) throw new Error('A Klaviyo call must name its operation.');
    // The account's own windows first: what Klaviyo would refuse answers UPSTREAM_RATE_LIMITED.
    await this.settings.limiter.take(
      `${this.settings.companyId}:${operation}`,
      KLAVIYO_OPERATIONS[operation].limit,
    );
    const { quota } = this.settings;
    // Private-key calls draw on the key's account, shared by every organization; a client-API call
    // counts against the organization's own company id, which only it holds.
    if (isPrivate(call) && quota.quota) {
      const steady = quota.quota.limit ?? KLAVIYO_OPERATIONS[operation].limit.steadyPerMinute;
      await quota.take(`key:${operation}`, { limit: steady, windowSeconds: quota.quota.windowSeconds });
    }
  }

  protected override onAuthFailed(call: ProviderCall<KlaviyoOperationId>): void {
    if (isPrivate(call)) this.settings.keyAccount.forget();
  }

  /**
   * Only an admin-key call past the key-account check proves the credentials serve this
   * organization; client-API calls need no key and GET /api/accounts precedes the check.
   */
  protected override provesCredentials(call: ProviderCall<KlaviyoOperationId>): boolean {
    return isPrivate(call) && call.operation !== 'get_accounts';
  }

  private send<T>(operation: KlaviyoOperationId, options: KlaviyoCallOptions): Promise<T> {
    const def = KLAVIYO_OPERATIONS[operation];
    // Ids were checked by the data source; this guards the path against one that was not.
    const path = def.path.includes('{id}')
      ? def.path.replace('{id}', encodeURIComponent(pathSegment(options.id ?? '', 'id')))
      : def.path;
    return this.request<T>(def.method, path, {
      // The client API names the account in the query and carries no secret.
      query:
        def.auth === 'private' ? options.query : { company_id: this.settings.companyId, ...options.query },
      body: options.body,
      idempotent: def.idempotent,
      operation,
    });
  }
}

const isPrivate = (call: ProviderCall<KlaviyoOperationId>) =>
  call.operation !== undefined && KLAVIYO_OPERATIONS[call.operation].auth === 'private';
