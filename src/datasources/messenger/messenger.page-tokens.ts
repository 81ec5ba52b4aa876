/** A Page's access token as the gateway holds it (memory only; never logged, never returned). */
export interface PageToken {
  token: string;
  /**
   * True when it is the configured MESSENGER_PAGE_ACCESS_TOKEN itself (a Page token for this Page):
   * asking Graph again cannot renew it.
   */
  platformToken: boolean;
}

/** What `GET /me?fields=id,name&metadata=1` says about the configured token's owner. */
export interface TokenOwner {
  id: string;
  /** Graph's node type, `page` for a Page access token (`user` for a System User or a person). */
  type: string | undefined;
}

/**
 * Page access tokens per Page, shared by every request of the gateway's lifetime (DataSourceDeps.shared):
 * one lookup per Page, at most one in flight per Page, forgotten when Graph refuses a token.
 */
export class MessengerPageTokens {
  private readonly tokens = new Map<string, PageToken>();
  private readonly inFlight = new Map<string, Promise<PageToken>>();
  private owner: TokenOwner | undefined;

  async get(pageId: string, lookup: () => Promise<PageToken>): Promise<PageToken> {
    const cached = this.tokens.get(pageId);
    if (cached) return cached;
    let pending = this.inFlight.get(pageId);
    if (!pending) {
      pending = lookup()
        .then((token) => {
          this.tokens.set(pageId, token);
          return token;
        })
        .finally(() => this.inFlight.delete(pageId));
      this.inFlight.set(pageId, pending);
    }
    return pending;
  }

  forget(pageId: string): void {
    this.tokens.delete(pageId);
  }

  /** Who the configured token acts as never changes while the gateway runs with it. */
  async ownerOf(lookup: () => Promise<TokenOwner>): Promise<TokenOwner> {
    this.owner ??= await lookup();
    return this.owner;
  }
}
