import { z } from 'zod';
import { ProviderValues } from '../provider-values';
import { klaviyoScopes } from './klaviyo.scopes';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';
import { KlaviyoClient } from './klaviyo.client';
import { KlaviyoDataSource } from './klaviyo.datasource';
import { KlaviyoKeyAccount } from './klaviyo.key-account';
import { KlaviyoRateLimiter } from './klaviyo.rate-limiter';

const env = z.object({
  KLAVIYO_PRIVATE_API_KEY: z.string(),
  KLAVIYO_API_BASE_URL: z.string().url().default('https://a.klaviyo.com'),
  KLAVIYO_API_REVISION: z.string().default('2026-07-15'),
  /**
   * Refuse admin-key calls for an organization whose company id is not the key's own account (see
   * docs/providers/klaviyo.md). Default: on against Klaviyo itself, off against any other base URL
   * (a simulator or mock of the published API, whose accounts are made up).
   */
  KLAVIYO_KEY_ACCOUNT_CHECK: z.enum(['on', 'off']).optional(),
});

const KLAVIYO_HOST = 'a.klaviyo.com';

function keyAccountCheck(e: z.infer<typeof env>): boolean {
  if (e.KLAVIYO_KEY_ACCOUNT_CHECK) return e.KLAVIYO_KEY_ACCOUNT_CHECK === 'on';
  return new URL(e.KLAVIYO_API_BASE_URL).hostname === KLAVIYO_HOST;
}

// Klaviyo's public company id ("site id") is six alphanumeric characters and case-sensitive.
const accountFields: AccountFieldSpec[] = [
  {
    name: 'companyId',
    title: 'Company ID',
    description: "Klaviyo's public API key: Settings → Account → API keys.",
    example: 'AbC123',
    pattern: '^[a-z0-9]{6}$',
    message: 'companyId must be six letters or digits (Klaviyo: Settings → Account → API keys)',
  },
];
const account = accountSchema(accountFields) as unknown as z.ZodType<{ companyId: string }>;

export const klaviyoProvider = defineProvider({
  id: 'klaviyo',
  displayName: 'Klaviyo',
  typename: 'KlaviyoIntegration',
  envSchema: env,
  envVars: ['KLAVIYO_PRIVATE_API_KEY'],
  features: [
    'Subscribe to lists',
    'Trigger flows',
    'Customer profile sync',
    'Campaign tracking',
    'Segment management',
  ],
  scopes: klaviyoScopes,
  account: {
    fields: accountFields,
    parse: (input) => parseAccount(account, input, 'Klaviyo'),
    key: (a) => a.companyId,
  },
  // Per account (every private key of it shares one quota), per operation, in fixed 1 s and 60 s
  // windows: the steady limits come from the operation table (the spec's x-klaviyo-ratelimit);
  // PROVIDER_QUOTAS' klaviyo.limit replaces every operation's steady limit.
  quota: {
    scope: 'credential',
    windowSeconds: 60,
    source: 'https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling',
  },
  createDataSource({ env, account, http, logger, health, shared, quota }) {
    const client = new KlaviyoClient(
      { http, health, logger },
      {
        baseUrl: env.KLAVIYO_API_BASE_URL.replace(/\/+$/, ''),
        revision: env.KLAVIYO_API_REVISION,
        privateKey: env.KLAVIYO_PRIVATE_API_KEY,
        companyId: account.companyId,
        checkKeyAccount: keyAccountCheck(env),
        // Both outlive the request: limits are counted per account across requests, and the key's
        // account is looked up once.
        limiter: shared('rate-limiter', () => new KlaviyoRateLimiter()),
        keyAccount: shared('key-account', () => new KlaviyoKeyAccount()),
        quota,
      },
    );
    return new KlaviyoDataSource(client, new ProviderValues('klaviyo', logger));
  },
  testConnection: (dataSource) => dataSource.ping(),
});
