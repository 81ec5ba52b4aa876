import { GatewayError } from '../../errors/gateway-error';
import {
  ProviderClient,
  type CallOptions,
  type ProviderCall,
  type ProviderClientOptions,
} from '../provider-client';
import type { IntegrationHealth } from '../types';
import { TOKEN_REFUSED, graphErrorOf, toGatewayError, type GraphError } from './messenger.graph-errors';
import type { MessengerPageTokens, PageToken, TokenOwner } from './messenger.page-tokens';

/** Which token a call carries: the configured one (lookups) or the Page's own (everything else). */
export type GraphOperation = 'page-token' | 'whoami' | 'page';

export interface MessengerSettings {
  /** MESSENGER_API_BASE_URL without a trailing slash. */
  baseUrl: string;
  /** MESSENGER_API_VERSION, e.g. `v25.0`: Graph's version is the first path segment. */
  version: string;
  /** MESSENGER_PAGE_ACCESS_TOKEN: a System User token of the platform's business, or one Page's token. */
  platformToken: string;
  pageId: string;
  tokens: MessengerPageTokens;
}

/** Kept off the client's own messages: the token's name is shown, never its value. */
const PLATFORM_TOKEN_REFUSED =
  "Facebook refused the platform's Messenger token (MESSENGER_PAGE_ACCESS_TOKEN); the platform administrator must renew it.";

/**
 * Graph's rules for Messenger in one place: the version in the path, `Authorization: Bearer` with a
 * Page access token for Page calls, that token obtained per Page from the configured one and renewed
 * once when Graph refuses it, and Graph's error codes mapped by code (Graph answers most errors with
 * HTTP 400). https://developers.facebook.com/docs/messenger-platform/reference/send-api
 */
export class MessengerClient extends ProviderClient<GraphOperation> {
  constructor(
    deps: Pick<ProviderClientOptions, 'http' | 'logger'> & { health: IntegrationHealth },
    private readonly settings: MessengerSettings,
  ) {
    super({
      http: deps.http,
      logger: deps.logger,
      // Refusals are decided here after a token refresh, not by the HTTP status: Graph sends 400 for
      // a refused token and 403 for some permission errors that say nothing about the credentials.
      health: { authFailed: async () => undefined, authSucceeded: () => deps.health.authSucceeded() },
      provider: 'messenger',
      providerName: 'Facebook Messenger',
      accountKey: settings.pageId,
      baseUrl: settings.baseUrl,
    });
    this.integrationHealth = deps.health;
  }

  private readonly integrationHealth: IntegrationHealth;

  /** `/v25.0/<rest>`: every Graph path starts with the pinned version. */
  path(rest: string): string {
    return `/${this.settings.version}/${rest}`;
  }

  /**
   * A call made with the Page's own token. A refused token is forgotten and looked up again once (the
   * Page's owner may have re-assigned it, which issues a new one); a second refusal is final.
   */
  async asPage<T>(
    method: 'GET' | 'POST',
    path: string,
    options: Omit<CallOptions<GraphOperation>, 'operation'> = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<T>(method, path, { ...options, operation: 'page' });
      } catch (error) {
        const graph = graphErrorOf(error);
        if (!graph || !(error instanceof GatewayError)) throw error;
        if (graph.code === TOKEN_REFUSED && attempt === 0) {
          const held = await this.settings.tokens.get(this.settings.pageId, () => this.lookUp());
          this.settings.tokens.forget(this.settings.pageId);
          // The configured token itself cannot be renewed by asking Graph with it.
          if (!held.platformToken) continue;
        }
        throw await this.reported(toGatewayError(graph, error));
      }
    }
  }

  /** The Page's token: cached for the gateway's lifetime, looked up once per Page. */
  pageToken(): Promise<PageToken> {
    return this.settings.tokens.get(this.settings.pageId, () => this.lookUp());
  }

  protected override async authHeaders(call: ProviderCall<GraphOperation>): Promise<Record<string, string>> {
    const token = call.operation === 'page' ? (await this.pageToken()).token : this.settings.platformToken;
    return { authorization: `Bearer ${token}` };
  }

  /** Only a Page call proves the Page is served; a lookup proves the platform token alone. */
  protected override provesCredentials(call: ProviderCall<GraphOperation>): boolean {
    return call.operation === 'page';
  }

  /**
   * `GET /{page-id}?fields=access_token` with the configured token: a System User of the platform's
   * business that the Page was assigned to gets the Page's own token. When it cannot, the token may
   * be that Page's own token (`GET /me` is then the Page), which is used for that Page only.
   * https://developers.facebook.com/docs/facebook-login/guides/access-tokens#pagetokens
   */
  private async lookUp(): Promise<PageToken> {
    const { pageId } = this.settings;
    let answer: { access_token?: unknown };
    try {
      answer = await this.get(this.path(pageId), {
        query: { fields: 'access_token' },
        operation: 'page-token',
      });
    } catch (error) {
      answer = await this.platformRefusal(error);
    }
    if (typeof answer.access_token === 'string' && answer.access_token !== '')
      return { token: answer.access_token, platformToken: false };
    const owner = await this.settings.tokens.ownerOf(() => this.whoAmI());
    if (owner.type === 'page' && owner.id === pageId)
      return { token: this.settings.platformToken, platformToken: true };
    throw await this.reported(
      new GatewayError(
        'UPSTREAM_AUTH_FAILED',
        owner.type === 'page'
          ? `The platform's Messenger token is the access token of one other Page and acts for that Page only, so it cannot act for the Facebook Page ${pageId}. The platform administrator must set MESSENGER_PAGE_ACCESS_TOKEN to a System User token of the platform's Meta Business; the Page's owner then assigns the Page to that business with the Messenger task (pages_messaging).`
          : `The platform cannot act for the Facebook Page ${pageId}. The Page's owner must assign the Page to the platform's Meta Business (Business settings → Accounts → Pages, or accept the platform's partner request) and give the platform's system user the Messenger task (pages_messaging), then test the integration again.`,
      ),
    );
  }

  /** `GET /me?fields=id,name&metadata=1`: who the configured token is, with Graph's node type. */
  private async whoAmI(): Promise<TokenOwner> {
    try {
      const me = await this.get<{ id?: unknown; metadata?: { type?: unknown } }>(this.path('me'), {
        query: { fields: 'id,name', metadata: 1 },
        operation: 'whoami',
      });
      return {
        id: typeof me.id === 'string' ? me.id : '',
        type: typeof me.metadata?.type === 'string' ? me.metadata.type : undefined,
      };
    } catch (error) {
      await this.platformRefusal(error);
      throw error;
    }
  }

  /**
   * A lookup Graph refused. The configured token refused, a rate limit or an outage are final; any
   * other refusal (the Page is unknown to the token, a missing task) lets the caller look further.
   */
  private async platformRefusal(error: unknown): Promise<{ access_token?: unknown }> {
    const graph: GraphError | undefined = graphErrorOf(error);
    if (!graph || !(error instanceof GatewayError)) throw error;
    if (graph.code === TOKEN_REFUSED || graph.code === 102)
      throw await this.reported(
        new GatewayError('UPSTREAM_AUTH_FAILED', PLATFORM_TOKEN_REFUSED, {
          details: { ...error.details, graphCode: graph.code },
        }),
      );
    const mapped = toGatewayError(graph, error);
    if (mapped.code === 'UPSTREAM_RATE_LIMITED' || mapped.code === 'UPSTREAM_UNAVAILABLE') throw mapped;
    if (graph.status !== undefined && graph.status >= 500) throw mapped;
    return {};
  }

  /** A refusal of the credentials turns the integration ERROR with the same words. */
  private async reported(error: GatewayError): Promise<GatewayError> {
    if (error.code === 'UPSTREAM_AUTH_FAILED') await this.integrationHealth.authFailed(error.message);
    return error;
  }
}
