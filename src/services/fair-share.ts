import Redis from 'ioredis';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import {
  capacityOf,
  effectiveQuota,
  type ProviderQuota,
  type ProviderQuotaOverrides,
  type QuotaBudget,
} from './provider-quota';

/**
 * One provider quota shared by many organizations (one admin credential), split so that a busy
 * organization is refused with RATE_LIMITED before it starves the others or trips the provider's
 * 429s. Counting is in fixed windows aligned to the clock (a 60 s window starts on the minute, as
 * Kustomer's and Klaviyo's do), per pool (provider + whose quota + what is counted):
 *
 * - capacity C = the provider's limit × headroom × PROVIDER_QUOTA_SCALE;
 * - a newcomers' reserve R (10 % of C, at least 1 when C ≥ 5) is never lent out, so an organization
 *   that was idle always gets a call through;
 * - the organizations active in the previous window (A of them; at least 1) each have a guaranteed
 *   share S = ⌊(C − R) / A⌋;
 * - a call within its organization's share passes while the window has room; beyond it, the
 *   organization borrows what no one else is owed: only while the calls so far, the unused shares of
 *   the other active organizations and the reserve still fit in C (work-conserving: alone, an
 *   organization uses all but R).
 *
 * With REDIS_URL the counters live in Redis and one script decides atomically for every instance
 * (one round trip per upstream call); without it, or while Redis is down, this process's memory.
 */

/** What the decision needs about one window. */
export interface WindowCounts {
  /** Units charged this window, by everyone. */
  total: number;
  /** Of those, units charged within their organization's share. */
  guaranteed: number;
  /** Units this organization charged this window. */
  own: number;
  /** Organizations that charged anything in the previous window. */
  activeBefore: number;
  /** Whether this organization was one of them (its own unused share is not owed to others). */
  wasActive: boolean;
}

export interface Decision {
  allowed: boolean;
  /** Units of this charge that were within the organization's share. */
  within: number;
}

/** A tenth of the capacity, at least one call; none below 5 (one call would be too large a part). */
export const reserveOf = (capacity: number): number =>
  capacity >= 10 ? Math.ceil(capacity * 0.1) : capacity >= 5 ? 1 : 0;

/** The rule above, as a pure function (the Redis script is its transcription). */
export function decide(capacity: number, cost: number, w: WindowCounts): Decision {
  const reserve = reserveOf(capacity);
  const active = Math.max(1, w.activeBefore);
  const share = Math.max(1, Math.floor((capacity - reserve) / active));
  if (w.total + cost > capacity) return { allowed: false, within: 0 };
  const within = Math.max(0, Math.min(cost, share - w.own));
  if (within === cost) return { allowed: true, within };
  const ownUnused = w.wasActive ? Math.max(0, share - w.own) : 0;
  const othersUnused = Math.max(0, active * share - w.guaranteed - ownUnused);
  return w.total + cost + othersUnused + reserve <= capacity
    ? { allowed: true, within }
    : { allowed: false, within: 0 };
}

/** A charge made; `settle` corrects it with what the call really cost (OpenAI's usage). */
export interface QuotaCharge {
  settle(actual: number): Promise<void>;
}

const NOTHING_TO_SETTLE: QuotaCharge = { settle: async () => undefined };

/** The gate one organization's provider calls pass, bound to the provider and organization. */
export interface QuotaGate {
  /** The provider's declared quota with the platform's overrides (undefined: none declared). */
  readonly quota: ProviderQuota | undefined;
  /**
   * Charges `cost` units to the organization's share of `pool`'s `budget` (the provider's limit)
   * or throws RATE_LIMITED with `retryAfterMs`. `pool` names what is counted (e.g. `key`,
   * `key:get_lists`); the provider is added.
   */
  take(pool: string, budget: QuotaBudget, cost?: number): Promise<QuotaCharge>;
  /** One of `concurrency` calls in flight (this instance's count); returns the release. */
  hold(pool: string, concurrency: number): () => void;
}

interface Store {
  take(key: string, org: string, capacity: number, cost: number, ttlMs: number): Promise<Decision>;
  adjust(key: string, org: string, delta: number, ttlMs: number): Promise<void>;
}

/** Fixed windows in this process's memory: the store without Redis, and Redis's stand-in. */
class MemoryStore implements Store {
  private readonly windows = new Map<
    string,
    { total: number; guaranteed: number; orgs: Map<string, number>; expiresAt: number }
  >();
  private sweptAt = 0;

  constructor(private readonly now: () => number) {}

  async take(key: string, org: string, capacity: number, cost: number, ttlMs: number): Promise<Decision> {
    this.sweep();
    const [current, previous] = key.split('\n') as [string, string];
    const before = this.windows.get(previous);
    let window = this.windows.get(current);
    const counts: WindowCounts = {
      total: window?.total ?? 0,
      guaranteed: window?.guaranteed ?? 0,
      own: window?.orgs.get(org) ?? 0,
      activeBefore: before?.orgs.size ?? 0,
      wasActive: before?.orgs.has(org) ?? false,
    };
    const decision = decide(capacity, cost, counts);
    if (decision.allowed) {
      if (!window) {
        window = { total: 0, guaranteed: 0, orgs: new Map(), expiresAt: this.now() + ttlMs };
        this.windows.set(current, window);
      }
      window.total += cost;
      window.guaranteed += decision.within;
      window.orgs.set(org, counts.own + cost);
    }
    return decision;
  }

  async adjust(key: string, org: string, delta: number): Promise<void> {
    const window = this.windows.get(key.split('\n', 1)[0] as string);
    if (!window) return;
    window.total = Math.max(0, window.total + delta);
    window.orgs.set(org, Math.max(0, (window.orgs.get(org) ?? 0) + delta));
  }

  /** Forgets windows no one can ask about any more (at most once a second). */
  private sweep(): void {
    const now = this.now();
    if (now - this.sweptAt < 1000) return;
    this.sweptAt = now;
    for (const [key, window] of this.windows) if (window.expiresAt <= now) this.windows.delete(key);
  }
}

/**
 * The same rule in one Lua script, so every instance's decision and increment are one atomic step.
 * The window is a hash: one field per organization plus `~t` (total) and `~g` (within shares).
 */
const TAKE_SCRIPT = `
local cur, prev = KEYS[1], KEYS[2]
local org, cost, capacity, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local plen = redis.call('HLEN', prev)
local active = 1
if plen > 2 then active = plen - 2 end
local wasActive = redis.call('HEXISTS', prev, org) == 1
local v = redis.call('HMGET', cur, '~t', '~g', org)
local total, guaranteed, own = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0
local reserve = 0
if capacity >= 10 then reserve = math.ceil(capacity * 0.1) elseif capacity >= 5 then reserve = 1 end
local share = math.max(1, math.floor((capacity - reserve) / active))
if total + cost > capacity then return {0, 0} end
local within = math.max(0, math.min(cost, share - own))
if within < cost then
  local ownUnused = 0
  if wasActive then ownUnused = math.max(0, share - own) end
  local othersUnused = math.max(0, active * share - guaranteed - ownUnused)
  if total + cost + othersUnused + reserve > capacity then return {0, 0} end
end
redis.call('HINCRBY', cur, org, cost)
redis.call('HINCRBY', cur, '~t', cost)
redis.call('HINCRBY', cur, '~g', within)
redis.call('PEXPIRE', cur, ttl)
return {1, within}
`;

const ADJUST_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], '~t', ARGV[2])
return 1
`;

type ScriptedRedis = Redis & {
  fairShareTake(cur: string, prev: string, ...args: Array<string | number>): Promise<[number, number]>;
  fairShareAdjust(key: string, org: string, delta: number): Promise<number>;
};

class RedisStore implements Store {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly fallback: MemoryStore,
    private readonly logger: Logger,
  ) {}

  async take(key: string, org: string, capacity: number, cost: number, ttlMs: number): Promise<Decision> {
    const [current, previous] = key.split('\n') as [string, string];
    try {
      const [allowed, within] = await this.redis.fairShareTake(current, previous, org, cost, capacity, ttlMs);
      return { allowed: allowed === 1, within };
    } catch (error) {
      // Redis down: this instance decides alone rather than failing every provider call.
      this.logger.warn({ err: (error as Error).message }, 'redis unavailable for provider quotas');
      return this.fallback.take(key, org, capacity, cost, ttlMs);
    }
  }

  async adjust(key: string, org: string, delta: number): Promise<void> {
    await this.redis.fairShareAdjust(key.split('\n', 1)[0] as string, org, delta).catch(() => undefined);
  }
}

export interface FairShareOptions {
  /** Multiplies every provider budget; 0 turns the fair share off. */
  scale: number;
  overrides: ProviderQuotaOverrides;
  redisUrl?: string | undefined;
  now?: () => number;
}

export class FairShare {
  private readonly store: Store;
  private readonly redis: ScriptedRedis | undefined;
  private readonly now: () => number;
  /** Calls in flight by pool and organization (this instance). */
  private readonly inFlight = new Map<string, Map<string, number>>();

  constructor(
    private readonly options: FairShareOptions,
    logger: Logger,
  ) {
    this.now = options.now ?? Date.now;
    const memory = new MemoryStore(this.now);
    if (options.redisUrl && options.scale > 0) {
      // enableOfflineQueue false: a dead Redis answers at once and the memory store takes over.
      const redis = new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      }) as ScriptedRedis;
      redis.defineCommand('fairShareTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
      redis.defineCommand('fairShareAdjust', { numberOfKeys: 1, lua: ADJUST_SCRIPT });
      redis.on('error', (error: Error) =>
        logger.warn({ err: error.message }, 'redis unavailable for provider quotas'),
      );
      this.redis = redis;
      this.store = new RedisStore(redis, memory, logger);
    } else {
      this.store = memory;
    }
  }

  get enabled(): boolean {
    return this.options.scale > 0;
  }

  /** The gate for one organization's calls to one provider. */
  gate(provider: string, organizationId: string, declared: ProviderQuota | undefined): QuotaGate {
    const quota = declared && effectiveQuota(provider, declared, this.options.overrides);
    return {
      quota,
      take: (pool, budget, cost) => this.take(`${provider}:${pool}`, budget, organizationId, cost),
      hold: (pool, concurrency) => this.hold(`${provider}:${pool}`, concurrency, organizationId),
    };
  }

  /** Charges `cost` units or throws RATE_LIMITED with the wait until the window turns. */
  async take(pool: string, budget: QuotaBudget, organizationId: string, cost = 1): Promise<QuotaCharge> {
    if (!this.enabled || cost <= 0) return NOTHING_TO_SETTLE;
    const capacity = capacityOf(budget.limit, this.options.scale);
    const windowMs = Math.round(budget.windowSeconds * 1000);
    const now = this.now();
    const index = Math.floor(now / windowMs);
    const base = `switchboard:fs:${pool}:${windowMs}`;
    const key = `${base}:${index}\n${base}:${index - 1}`;
    // A call dearer than the whole window (a long prompt) passes alone in an empty window.
    const charged = Math.min(cost, capacity);
    const ttlMs = windowMs * 2 + 1000;
    const decision = await this.store.take(key, organizationId, capacity, charged, ttlMs);
    if (!decision.allowed) {
      throw new GatewayError(
        'RATE_LIMITED',
        "This organization's share of the provider's rate limit is used up for now; retry later.",
        { extensions: { retryAfterMs: Math.max(1, (index + 1) * windowMs - now) } },
      );
    }
    return {
      settle: async (actual) => {
        const delta = Math.round(actual) - charged;
        if (delta !== 0) await this.store.adjust(key, organizationId, delta, ttlMs);
      },
    };
  }

  /**
   * One of `concurrency` calls in flight, split like the windows: an organization holds up to its
   * share of the slots (the slots divided among organizations with calls in flight, itself included)
   * and borrows beyond it only while every other such organization's unused share stays free.
   * Counted per instance: a concurrency slot must be released by whoever holds it.
   */
  hold(pool: string, concurrency: number, organizationId: string): () => void {
    if (!this.enabled) return () => undefined;
    const capacity = Math.max(1, Math.floor(concurrency * this.options.scale));
    let orgs = this.inFlight.get(pool);
    if (!orgs) this.inFlight.set(pool, (orgs = new Map()));
    const own = orgs.get(organizationId) ?? 0;
    let total = 0;
    for (const n of orgs.values()) total += n;
    const active = orgs.size + (own === 0 ? 1 : 0);
    const share = Math.max(1, Math.floor(capacity / active));
    let othersUnused = 0;
    for (const [org, n] of orgs) if (org !== organizationId) othersUnused += Math.max(0, share - n);
    const allowed = total < capacity && (own < share || total + 1 + othersUnused <= capacity);
    if (!allowed) {
      throw new GatewayError(
        'RATE_LIMITED',
        "This organization already has its share of the provider's concurrent calls in flight; retry shortly.",
        { extensions: { retryAfterMs: 1000 } },
      );
    }
    orgs.set(organizationId, own + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (orgs.get(organizationId) ?? 1) - 1;
      if (left > 0) orgs.set(organizationId, left);
      else orgs.delete(organizationId);
    };
  }

  /** Waits briefly for Redis so the first calls after start share the counters. */
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
}
