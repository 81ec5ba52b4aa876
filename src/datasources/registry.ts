import { klaviyoProvider } from './klaviyo/klaviyo.provider';
import { kustomerProvider } from './kustomer/kustomer.provider';
import { messengerProvider } from './messenger/messenger.provider';
import { openaiProvider } from './openai/openai.provider';
import { shopifyProvider } from './shopify/shopify.provider';
import { stripeProvider } from './stripe/stripe.provider';
import type { ProviderAdapter } from './types';
import { whatsappProvider } from './whatsapp/whatsapp.provider';

/**
 * Every provider, one line each: the one shared place that names them. Order is the display order.
 * The SDL (schema/providers/<id>.graphql), the resolvers (src/resolvers/<id>.resolvers.ts) and the
 * webhooks of a provider are found from here by their names.
 */
export const providers = {
  shopify: shopifyProvider,
  klaviyo: klaviyoProvider,
  kustomer: kustomerProvider,
  messenger: messengerProvider,
  whatsapp: whatsappProvider,
  openai: openaiProvider,
  stripe: stripeProvider,
  // Each adapter keeps its own Env/Account/DataSource types; the check is on the shape and the id.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
} satisfies { [Id in string]: ProviderAdapter<any, any, any, Id> };

/** Lowercase provider ids as stored in `integrations.provider` (the seed's values). */
export type ProviderId = keyof typeof providers;

export const PROVIDERS = Object.keys(providers) as ProviderId[];

export const providerEnvSchemas = Object.fromEntries(
  PROVIDERS.map((id) => [id, providers[id].envSchema]),
) as {
  [P in ProviderId]: (typeof providers)[P]['envSchema'];
};

/** GraphQL's `Provider` enum value for a provider id, and back. */
export const toGraphQLProvider = (id: ProviderId) => id.toUpperCase();
export const fromGraphQLProvider = (value: string): ProviderId => value.toLowerCase() as ProviderId;

/** Providers where the organization gives no identifier: their claim key is the organization itself. */
export function claimKey(accountKey: string, organizationId: string): string {
  return accountKey === '' ? `org:${organizationId}` : accountKey;
}

/** What GraphQL's `ProviderInfo` resolves from (codegen's naming convention): the provider's id. */
export type ProviderInfoModel = ProviderId;
