import { z } from 'zod';

/**
 * A provider's own limit on the platform's credentials, as the provider documents it
 * (contracts/PROVIDER-FACTS.md). Each provider module declares its own; the gateway turns it into a
 * budget that organizations share fairly (src/services/fair-share.ts).
 */
export interface ProviderQuota {
  /**
   * Whose limit it is. `credential`: one quota for the platform's admin credential, so every
   * organization draws on it (Kustomer's org-wide rpm, OpenAI's key, Stripe's account). `account`:
   * one quota per connected account (a Shopify store), which one organization holds.
   */
  scope: 'credential' | 'account';
  /** Calls per window; absent when the provider counts something else (tokens, concurrency). */
  limit?: number | undefined;
  windowSeconds: number;
  /** Tokens per minute (OpenAI): charged as estimated before the call, settled with the usage after. */
  tokensPerMinute?: number | undefined;
  /** Calls in flight at once (Twilio's account REST concurrency). */
  concurrency?: number | undefined;
  /** Where the numbers come from, for the README and whoever tunes them. */
  source: string;
}

/** One budget as the fair share counts it: `limit` units per fixed window of `windowSeconds`. */
export interface QuotaBudget {
  limit: number;
  windowSeconds: number;
}

/**
 * PROVIDER_QUOTAS: the platform's own tier where it differs from the declared default, by provider,
 * e.g. `{"kustomer":{"limit":1000},"openai":{"tokensPerMinute":2000000}}`. Values are the provider's
 * limits; the gateway keeps its headroom below them.
 */
export const providerQuotaOverridesSchema = z.record(
  z.string().regex(/^[a-z]+$/),
  z
    .object({
      limit: z.number().int().positive().optional(),
      windowSeconds: z.number().positive().optional(),
      tokensPerMinute: z.number().int().positive().optional(),
      concurrency: z.number().int().positive().optional(),
    })
    .strict(),
);
export type ProviderQuotaOverrides = z.infer<typeof providerQuotaOverridesSchema>;

/**
 * The share of a provider's limit the gateway hands out: calls in flight across a window boundary,
 * clocks that differ a little from the provider's and anyone else using the same key would otherwise
 * turn a budget used to the last call into the provider's 429s.
 */
export const HEADROOM = 0.9;

/** The declared quota with the platform's overrides applied (before headroom and scale). */
export function effectiveQuota(
  provider: string,
  declared: ProviderQuota,
  overrides: ProviderQuotaOverrides,
): ProviderQuota {
  const override = overrides[provider];
  return override ? { ...declared, ...override } : declared;
}

/**
 * Units the gateway hands out per window: the provider's limit, less headroom, times the scale. A
 * limit under 10 a window (Klaviyo's campaign reports: 2 a minute) keeps every call: a tenth of it
 * is no whole call.
 */
export function capacityOf(limit: number, scale: number): number {
  const handedOut = limit >= 10 ? Math.floor(limit * HEADROOM) : limit;
  return Math.max(1, Math.floor(handedOut * scale));
}
