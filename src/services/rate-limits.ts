import Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger';

export interface RateLimitRule {
  /** Calls allowed per window for one organization (before RATE_LIMIT_SCALE). */
  max: number;
  windowSeconds: number;
  /** Fields naming the same bucket share one budget. */
  bucket: string;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Per-organization budgets. rate-limiter-flexible rather than graphql-rate-limit: its counters are
 * O(1) per call (graphql-rate-limit keeps every timestamp), its Redis limiter is atomic across
 * instances, and it is maintained. With REDIS_URL the counters are shared by every instance; an
 * in-memory limiter takes over at once if Redis stops answering.
 */
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly redis: Redis | undefined;

  constructor(
    private readonly options: { scale: number; redisUrl?: string | undefined },
    private readonly logger: Logger,
  ) {
    if (options.redisUrl && options.scale > 0) {
      // enableOfflineQueue false: with it, a consume waits ~10 s for a dead Redis (STACK.md).
      this.redis = new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      });
      this.redis.on('error', (error: Error) =>
        this.logger.warn({ err: error.message }, 'redis unavailable for rate limits'),
      );
    }
  }

  get enabled(): boolean {
    return this.options.scale > 0;
  }

  /**
   * Takes `points` (one call, or an operation's estimated upstream calls) from the organization's
   * budget. A refused charge of several points is given back, so an operation that did not run
   * does not hold budget the organization's smaller requests could use.
   */
  async consume(organizationId: string, rule: RateLimitRule, points = 1): Promise<RateLimitDecision> {
    if (!this.enabled || points <= 0) return { allowed: true };
    const limiter = this.limiterFor(rule);
    try {
      await limiter.consume(organizationId, points);
      return { allowed: true };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        if (points > 1) await this.adjust(organizationId, rule, -points);
        return { allowed: false, retryAfterMs: error.msBeforeNext };
      }
      throw error;
    }
  }

  /**
   * Corrects a charge once the real number is known: `delta` > 0 charges more (never refused: the
   * calls were made), < 0 gives points back. A failing store only loses the correction.
   */
  async adjust(organizationId: string, rule: RateLimitRule, delta: number): Promise<void> {
    if (!this.enabled || delta === 0) return;
    const limiter = this.limiterFor(rule);
    try {
      if (delta > 0) await limiter.penalty(organizationId, delta);
      else await limiter.reward(organizationId, -delta);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, bucket: rule.bucket }, 'rate limit adjustment lost');
    }
  }

  /**
   * Waits (briefly) for Redis, so the first requests after start share the counters instead of
   * falling back to this instance's memory. A Redis that does not come up is not fatal.
   */
  async ready(timeoutMs = 3000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  private limiterFor(rule: RateLimitRule): RateLimiterAbstract {
    const points = Math.max(1, Math.round(rule.max * this.options.scale));
    const key = `${rule.bucket}:${points}:${rule.windowSeconds}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      const settings = { keyPrefix: `switchboard:rl:${rule.bucket}`, points, duration: rule.windowSeconds };
      limiter = this.redis
        ? new RateLimiterRedis({
            ...settings,
            storeClient: this.redis,
            insuranceLimiter: new RateLimiterMemory(settings),
          })
        : new RateLimiterMemory(settings);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
