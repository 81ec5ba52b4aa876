import { GatewayError } from '../../errors/gateway-error';
import { sleep } from '../../http/backoff';
import type { KlaviyoRateLimit } from './klaviyo.operations';

interface Window {
  startedAt: number;
  count: number;
}

/** Waits this long at most for a burst window to reopen; a longer wait is refused at once. */
const MAX_LOCAL_WAIT_MS = 1_000;

/**
 * Klaviyo's per-operation limits as two fixed windows (1 s burst, 60 s steady) per account and
 * operation, the model Klaviyo documents
 * (https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling). Keeping our own count
 * means a request that would certainly be refused is not sent: a short burst wait is absorbed, a
 * steady-window wait (e.g. campaign reports, 2/min) answers UPSTREAM_RATE_LIMITED with
 * `retryAfterMs` straight away. Klaviyo's own 429 + Retry-After stays the authority (the shared HTTP
 * client honours it). Counters live in this process: with several instances each sees only its
 * own share, so Klaviyo may still answer 429.
 */
export class KlaviyoRateLimiter {
  private readonly windows = new Map<string, { burst: Window; steady: Window }>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, limit: KlaviyoRateLimit): Promise<void> {
    for (;;) {
      const wait = this.tryTake(key, limit);
      if (wait === 0) return;
      if (wait > MAX_LOCAL_WAIT_MS) {
        throw new GatewayError(
          'UPSTREAM_RATE_LIMITED',
          'Klaviyo allows this call only a few times a minute; retry later.',
          {
            extensions: { retryAfterMs: wait },
          },
        );
      }
      await sleep(wait);
    }
  }

  /** 0 when a slot was taken, else how long until one frees up. */
  tryTake(key: string, limit: KlaviyoRateLimit): number {
    const now = this.now();
    let state = this.windows.get(key);
    if (!state) {
      state = { burst: { startedAt: now, count: 0 }, steady: { startedAt: now, count: 0 } };
      this.windows.set(key, state);
    }
    if (now - state.burst.startedAt >= 1_000) state.burst = { startedAt: now, count: 0 };
    if (now - state.steady.startedAt >= 60_000) state.steady = { startedAt: now, count: 0 };
    if (state.steady.count >= limit.steadyPerMinute) return state.steady.startedAt + 60_000 - now;
    if (state.burst.count >= limit.burstPerSecond) return state.burst.startedAt + 1_000 - now;
    state.burst.count += 1;
    state.steady.count += 1;
    return 0;
  }
}
