import { z } from 'zod';
import { ProviderValues } from '../provider-values';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';
import { ShopifyClient } from './shopify.client';
import { ShopifyCostPacer } from './shopify.cost-pacer';
import { ShopifyDataSource } from './shopify.datasource';
import { ShopifyTokenCache } from './shopify.token';
import { shopifyWebhooks } from '../../webhooks/shopify.webhook';
import { shopifyScopes } from './shopify.scopes';

/**
 * SHOPIFY_ADMIN_ACCESS_TOKEN is used when set; otherwise the app's key and secret obtain a token per
 * store through the client-credentials grant. Either makes the provider configured.
 */
const env = z
  .object({
    SHOPIFY_ADMIN_ACCESS_TOKEN: z.string().optional(),
    SHOPIFY_ADMIN_API_KEY: z.string().optional(),
    SHOPIFY_ADMIN_API_SECRET: z.string().optional(),
    /** Signs webhooks when set; otherwise Shopify signs them with SHOPIFY_ADMIN_API_SECRET. */
    SHOPIFY_WEBHOOK_SECRET: z.string().optional(),
    SHOPIFY_API_VERSION: z
      .string()
      .regex(/^\d{4}-\d{2}$/, 'SHOPIFY_API_VERSION must look like 2025-01')
      .default('2025-01'),
    SHOPIFY_API_BASE_URL: z.string().default('https://{store}.myshopify.com'),
  })
  .refine((e) => e.SHOPIFY_ADMIN_ACCESS_TOKEN || (e.SHOPIFY_ADMIN_API_KEY && e.SHOPIFY_ADMIN_API_SECRET), {
    message: 'SHOPIFY_ADMIN_ACCESS_TOKEN (or SHOPIFY_ADMIN_API_KEY and SHOPIFY_ADMIN_API_SECRET)',
  });

const accountFields: AccountFieldSpec[] = [
  {
    name: 'storeName',
    title: 'Store name',
    description: 'The "mystore" of mystore.myshopify.com (the whole domain may be pasted).',
    example: 'mystore',
    // People paste the whole domain; accept it, keep only the store name (a DNS label).
    pattern: '^(?:https?://)?[a-z0-9][a-z0-9-]{0,62}(?:\\.myshopify\\.com)?/?$',
    message: 'storeName must be the "mystore" of mystore.myshopify.com',
    normalize: (value) =>
      value
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .replace(/\/$/, '')
        .replace(/\.myshopify\.com$/, ''),
  },
];
/** Where a store shows the gateway its claim token: only someone who runs the store can write it. */
const CLAIM_NAMESPACE = 'switchboard';
const CLAIM_KEY = 'claim_token';

const account = accountSchema(accountFields) as unknown as z.ZodType<{ storeName: string }>;

export const shopifyProvider = defineProvider({
  id: 'shopify',
  displayName: 'Shopify',
  typename: 'ShopifyIntegration',
  envSchema: env,
  envVars: ['SHOPIFY_ADMIN_API_KEY', 'SHOPIFY_ADMIN_API_SECRET', 'SHOPIFY_ADMIN_ACCESS_TOKEN'],
  features: [
    'Product lookup',
    'Order tracking',
    'Customer information',
    'Inventory checks',
    'Draft orders',
    'Add to cart links',
  ],
  scopes: shopifyScopes,
  account: {
    fields: accountFields,
    parse: (input) => parseAccount(account, input, 'Shopify'),
    key: (a) => a.storeName,
  },
  createDataSource({ env, account, http, logger, health, shared, scopes }) {
    const tokens = env.SHOPIFY_ADMIN_ACCESS_TOKEN
      ? undefined
      : shared(
          'tokens',
          () =>
            new ShopifyTokenCache(http, {
              clientId: env.SHOPIFY_ADMIN_API_KEY!,
              clientSecret: env.SHOPIFY_ADMIN_API_SECRET!,
            }),
        );
    const storeBaseUrl = env.SHOPIFY_API_BASE_URL.replaceAll('{store}', account.storeName).replace(
      /\/+$/,
      '',
    );
    const client = new ShopifyClient(
      { http, health, logger },
      {
        store: account.storeName,
        storeBaseUrl,
        apiVersion: env.SHOPIFY_API_VERSION,
        credentials: { accessToken: env.SHOPIFY_ADMIN_ACCESS_TOKEN, tokens },
        // Shopify's cost bucket is per app and store: one pacer for every request to a store.
        pacer: shared('cost-pacer', () => new ShopifyCostPacer()),
        scopes,
      },
    );
    return new ShopifyDataSource(client, account.storeName, new ProviderValues('shopify', logger));
  },
  claimProof: {
    instructions: (token, account) =>
      `Set the shop metafield ${CLAIM_NAMESPACE}.${CLAIM_KEY} (namespace "${CLAIM_NAMESPACE}", key "${CLAIM_KEY}", single-line text) of ${account.storeName}.myshopify.com to ${token} (the Admin API's metafieldsSet on the shop, or an app that edits shop metafields), then verify the claim or test the integration.`,
    verify: async (dataSource, token) =>
      (await dataSource.shopMetafield(CLAIM_NAMESPACE, CLAIM_KEY)) === token,
  },
  testConnection: (dataSource) => dataSource.ping(),
  webhooks: shopifyWebhooks,
});
