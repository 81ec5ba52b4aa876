import { klaviyoProvider } from './klaviyo/klaviyo.provider';
import { kustomerProvider } from './kustomer/kustomer.provider';
import { messengerProvider } from './messenger/messenger.provider';
import { openaiProvider } from './openai/openai.provider';
import { shopifyProvider } from './shopify/shopify.provider';
import { stripeProvider } from './stripe/stripe.provider';
import type { ProviderAdapter, ProviderId } from './types';
import { whatsappProvider } from './whatsapp/whatsapp.provider';

export type { ProviderId } from './types';

/** Every provider, one line each; a missing one fails to compile. Order is the display order. */
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
} satisfies Record<ProviderId, ProviderAdapter<any, any, any>>;

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
