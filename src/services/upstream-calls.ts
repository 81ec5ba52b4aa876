import { AsyncLocalStorage } from 'node:async_hooks';
import type { GatewayError } from '../errors/gateway-error';
import type { RateLimitRule } from './rate-limits';

/**
 * Upstream calls one GraphQL request actually sent, per provider id ('shopify'), counted where they
 * leave: ProviderHttpClient records every HTTP attempt (retries included: each one spends the
 * provider's quota). The request's counter travels in AsyncLocalStorage, so nothing between the
 * resolver and the HTTP layer passes it along.
 */
export class UpstreamCallCounter {
  private readonly calls = new Map<string, number>();

  record(provider: string): void {
    this.calls.set(provider, (this.calls.get(provider) ?? 0) + 1);
  }

  count(provider: string): number {
    return this.calls.get(provider) ?? 0;
  }
}

/**
 * Providers whose calls all go through ProviderHttpClient, so their count is exact. Twilio, OpenAI
 * and Stripe are called through their SDKs: for those the estimate stays charged as it is.
 */
export const COUNTED_PROVIDERS: ReadonlySet<string> = new Set([
  'shopify',
  'klaviyo',
  'kustomer',
  'messenger',
]);

const scope = new AsyncLocalStorage<UpstreamCallCounter>();

/** Runs `next` (the rest of the request) with `counter` as the request's counter. */
export function countUpstreamCalls<T>(counter: UpstreamCallCounter, next: () => T): T {
  return scope.run(counter, next);
}

/** Called by the HTTP layer for each request it sends; outside a GraphQL request (jobs, webhooks) a no-op. */
export function recordUpstreamCall(provider: string): void {
  scope.getStore()?.record(provider);
}

/** What one GraphQL request was charged for upstream calls, and what it actually made. */
export interface UpstreamUsage {
  calls: UpstreamCallCounter;
  /** The operation's estimate (src/graphql/upstream-cost.ts), once made. */
  estimate?: { total: number; byProvider: Record<string, number> } | undefined;
  /** Budgets charged before execution, per provider (the Provider enum's value). */
  charges: Array<{ provider: string; rule: RateLimitRule; points: number }>;
  /** A mutation whose charge did not fit: its fields answer this error (so @audit records it). */
  refusal?: GatewayError | undefined;
}

export function newUpstreamUsage(calls = new UpstreamCallCounter()): UpstreamUsage {
  return { calls, charges: [] };
}
