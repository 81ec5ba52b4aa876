import { GatewayError } from '../../errors/gateway-error';

/** Kustomer counts requests org-wide in 60-second windows. https://developer.kustomer.com/kustomer-api-docs/reference/rate-limiting */
const WINDOW_MS = 60_000;

/**
 * Remembers, per Kustomer organization, the `x-ratelimit-remaining` Kustomer last reported. Once it
 * says 0, further calls in the same window are answered UPSTREAM_RATE_LIMITED here instead of
 * spending a request that Kustomer would refuse with 429 (and that counts against every other
 * integration sharing the org's quota). A 429 itself is handled by the shared HTTP client.
 */
export class KustomerRateLimitState {
  private readonly exhaustedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  check(org: string): void {
    const since = this.exhaustedAt.get(org);
    if (since === undefined) return;
    const wait = since + WINDOW_MS - this.now();
    if (wait <= 0) {
      this.exhaustedAt.delete(org);
      return;
    }
    throw new GatewayError(
      'UPSTREAM_RATE_LIMITED',
      "Kustomer's rate limit for this organization is used up; retry later.",
      {
        extensions: { retryAfterMs: wait },
      },
    );
  }

  record(org: string, remaining: string | string[] | undefined): void {
    const value = Number(Array.isArray(remaining) ? remaining[0] : remaining);
    if (!Number.isFinite(value)) return;
    if (value <= 0) this.exhaustedAt.set(org, this.now());
    else this.exhaustedAt.delete(org);
  }
}
