import { GatewayError } from '../../errors/gateway-error';
import { sleep } from '../../http/backoff';

interface Bucket {
  available: number;
  maximum: number;
  restoreRate: number;
  /** When `available` was reported. */
  at: number;
}

export interface ShopifyCost {
  requestedQueryCost?: number;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

/**
 * Paces calls to a store by Shopify's calculated query cost, so the gateway waits for the leaky
 * bucket to refill instead of spending a round trip on a THROTTLED answer. Shopify reports the
 * bucket after every call (`extensions.cost.throttleStatus`) and a query's requested cost must be
 * available before it runs; the requested cost of each document is remembered from its last answer.
 * The bucket is per app and store, so is this state (shared by every organization's request).
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
export class ShopifyCostPacer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly lastCost = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits until the bucket should hold `document`'s cost; fails fast when that is past `maxWaitMs`. */
  async beforeCall(store: string, document: string, maxWaitMs: number): Promise<void> {
    const bucket = this.buckets.get(store);
    const cost = this.lastCost.get(document);
    if (!bucket || cost === undefined) return;
    const elapsed = (this.now() - bucket.at) / 1000;
    const projected = Math.min(bucket.maximum, bucket.available + elapsed * bucket.restoreRate);
    if (projected >= cost) return;
    const waitMs = Math.ceil(((cost - projected) / bucket.restoreRate) * 1000);
    if (waitMs > maxWaitMs) {
      throw new GatewayError('UPSTREAM_RATE_LIMITED', 'Shopify is rate limiting this store; retry later.', {
        extensions: { retryAfterMs: waitMs },
      });
    }
    await sleep(waitMs);
  }

  /** Records what Shopify said about the bucket and the document's cost. */
  afterCall(store: string, document: string, cost: ShopifyCost | undefined): void {
    if (!cost) return;
    if (typeof cost.requestedQueryCost === 'number') this.lastCost.set(document, cost.requestedQueryCost);
    const status = cost.throttleStatus;
    if (typeof status?.currentlyAvailable !== 'number' || typeof status.restoreRate !== 'number') return;
    if (this.buckets.size >= 10_000 && !this.buckets.has(store)) this.buckets.clear();
    this.buckets.set(store, {
      available: status.currentlyAvailable,
      maximum: status.maximumAvailable ?? status.currentlyAvailable,
      restoreRate: Math.max(1, status.restoreRate),
      at: this.now(),
    });
  }
}
