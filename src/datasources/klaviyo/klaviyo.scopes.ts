import type { ProviderScopes } from '../../services/provider-scopes';

/**
 * Klaviyo private API key scopes, as data. `requested` is the seed's list; `features` holds what the
 * operations each feature calls declare in Klaviyo's OpenAPI document (contracts/klaviyo/stable.json,
 * `x-klaviyo-scopes`), for the operations that use the private key (the `/client/` ones take none).
 * The seed's list lacks several of them (accounts:read, segments:read, metrics:read,
 * subscriptions:write): README "Scopes".
 */
export const klaviyoScopes: ProviderScopes = {
  noun: 'API key scope',
  requested: ['lists:read', 'lists:write', 'profiles:read', 'profiles:write', 'campaigns:read', 'flows:read'],
  features: {
    // Subscribing goes through the client API (no key); unsubscribing is bulk_unsubscribe_profiles.
    'Subscribe to lists': [
      'lists:read',
      'profiles:read',
      'lists:write',
      'profiles:write',
      'subscriptions:write',
    ],
    // Events go through the client API (create_client_event): no key scope.
    'Trigger flows': [],
    'Customer profile sync': ['profiles:read', 'profiles:write', 'accounts:read'],
    'Campaign tracking': ['campaigns:read', 'metrics:read'],
    'Segment management': ['segments:read', 'profiles:read'],
  },
  unreadable:
    "Klaviyo's API has no call that lists a private key's scopes (contracts/klaviyo/stable.json); a call outside them answers 403, reported as UPSTREAM_AUTH_FAILED. Compare the key's scopes in Klaviyo (Settings → API keys) with ProviderInfo.featureScopes.",
  grantHint:
    "give the private API key this scope in Klaviyo (Settings → API keys; a key's scopes are edited there or the key is recreated)",
};
