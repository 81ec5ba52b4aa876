/**
 * Every Klaviyo operation the gateway calls, as data: method, path template, which credential it
 * acts with, and its per-operation rate limit. All of it is copied from Klaviyo's published OpenAPI
 * document for revision 2026-07-15 (contracts/klaviyo/stable.json: `security`,
 * `x-klaviyo-ratelimit`), and tests/klaviyo-operations.test.ts checks this table against that
 * document so the two cannot drift apart.
 * Rate limits: https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling
 */

/** `burst` per second and `steady` per minute, fixed windows, per Klaviyo account. */
export interface KlaviyoRateLimit {
  burstPerSecond: number;
  steadyPerMinute: number;
  /** A few reporting endpoints also have a daily cap; not enforced locally (one instance only sees its share). */
  daily?: number;
}

export interface KlaviyoOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template from the OpenAPI document; `{id}` is filled from validated ids. */
  path: string;
  /**
   * `private`: `/api/` with `Authorization: Klaviyo-API-Key <KLAVIYO_PRIVATE_API_KEY>` (the admin key).
   * `client`: `/client/` with `?company_id=` and no secret at all (Klaviyo's public client API).
   */
  auth: 'private' | 'client';
  /** Safe to send twice (reads, upserts, and writes Klaviyo de-duplicates); only these are retried after a 5xx. */
  idempotent: boolean;
  limit: KlaviyoRateLimit;
}

const limit = (burstPerSecond: number, steadyPerMinute: number, daily?: number): KlaviyoRateLimit =>
  daily === undefined ? { burstPerSecond, steadyPerMinute } : { burstPerSecond, steadyPerMinute, daily };

const read = (path: string, l: KlaviyoRateLimit): KlaviyoOperation => ({
  method: 'GET',
  path,
  auth: 'private',
  idempotent: true,
  limit: l,
});

/** Keys are the document's `operationId`s. */
export const KLAVIYO_OPERATIONS = {
  get_accounts: read('/api/accounts', limit(1, 15)),
  get_lists: read('/api/lists', limit(75, 750)),
  get_list: read('/api/lists/{id}', limit(75, 750)),
  get_profiles_for_list: read('/api/lists/{id}/profiles', limit(75, 750)),
  get_segments: read('/api/segments', limit(75, 750)),
  get_segment: read('/api/segments/{id}', limit(75, 750)),
  get_profiles_for_segment: read('/api/segments/{id}/profiles', limit(75, 750)),
  get_profiles: read('/api/profiles', limit(75, 750)),
  get_profile: read('/api/profiles/{id}', limit(75, 750)),
  get_campaigns: read('/api/campaigns', limit(10, 150)),
  get_campaign: read('/api/campaigns/{id}', limit(10, 150)),
  get_metrics: read('/api/metrics', limit(10, 150)),
  // A report is a read sent as POST: safe to repeat.
  query_campaign_values: {
    method: 'POST',
    path: '/api/campaign-values-reports',
    auth: 'private',
    idempotent: true,
    limit: limit(1, 2, 225),
  },
  // Upsert by identifier: sending it twice leaves the same profile.
  create_or_update_profile: {
    method: 'POST',
    path: '/api/profile-import',
    auth: 'private',
    idempotent: true,
    limit: limit(75, 750),
  },
  bulk_unsubscribe_profiles: {
    method: 'POST',
    path: '/api/profile-subscription-bulk-delete-jobs',
    auth: 'private',
    idempotent: true,
    limit: limit(75, 750),
  },
  create_client_subscription: {
    method: 'POST',
    path: '/client/subscriptions',
    auth: 'client',
    idempotent: true,
    limit: limit(350, 750),
  },
  // Every event carries a `unique_id`, which Klaviyo uses to drop duplicates: safe to resend.
  create_client_event: {
    method: 'POST',
    path: '/client/events',
    auth: 'client',
    idempotent: true,
    limit: limit(350, 3500),
  },
} as const satisfies Record<string, KlaviyoOperation>;

export type KlaviyoOperationId = keyof typeof KLAVIYO_OPERATIONS;
