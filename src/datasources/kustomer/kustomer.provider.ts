import { z } from 'zod';
import { ProviderValues } from '../provider-values';
import { kustomerScopes } from './kustomer.scopes';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';
import { KustomerClient } from './kustomer.client';
import { KustomerDataSource } from './kustomer.datasource';
import { KustomerRateLimitState } from './kustomer.rate-limit';

const env = z.object({
  KUSTOMER_API_KEY: z.string(),
  KUSTOMER_API_BASE_URL: z.string().default('https://{subdomain}.api.kustomerapp.com'),
});

const accountFields: AccountFieldSpec[] = [
  {
    name: 'subdomain',
    title: 'Organization subdomain',
    description: 'The "mycompany" of mycompany.kustomerapp.com.',
    example: 'mycompany',
    pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
    message: 'subdomain must be the "mycompany" of mycompany.kustomerapp.com',
    normalize: (value) => value.toLowerCase(),
  },
];
const account = accountSchema(accountFields) as unknown as z.ZodType<{ subdomain: string }>;

export const kustomerProvider = defineProvider({
  id: 'kustomer',
  displayName: 'Kustomer',
  typename: 'KustomerIntegration',
  envSchema: env,
  envVars: ['KUSTOMER_API_KEY'],
  features: [
    'Create conversations',
    'Add customer notes',
    'View conversation history',
    'Ticket creation',
    'Customer lookup',
  ],
  scopes: kustomerScopes,
  account: {
    fields: accountFields,
    parse: (input) => parseAccount(account, input, 'Kustomer'),
    key: (a) => a.subdomain,
  },
  // Org-wide across all API keys, 60-s windows; 300 rpm is the lowest tier (Professional): set the
  // platform's tier with PROVIDER_QUOTAS. The platform's one key means every organization shares it.
  quota: {
    scope: 'credential',
    limit: 300,
    windowSeconds: 60,
    source: 'https://developer.kustomer.com/kustomer-api-docs/reference/rate-limiting',
  },
  createDataSource({ env, account, http, logger, health, shared, quota }) {
    // The subdomain passed DNS_LABEL validation, so it cannot change the host or the path.
    const baseUrl = env.KUSTOMER_API_BASE_URL.replaceAll('{subdomain}', account.subdomain).replace(
      /\/+$/,
      '',
    );
    const client = new KustomerClient(
      { http, health, logger },
      {
        baseUrl,
        apiKey: env.KUSTOMER_API_KEY,
        subdomain: account.subdomain,
        // Kustomer's quota is org-wide: remembered across requests.
        limits: shared('rate-limit', () => new KustomerRateLimitState()),
        quota,
      },
    );
    return new KustomerDataSource(client, new ProviderValues('kustomer', logger));
  },
  testConnection: (dataSource) => dataSource.ping(),
});
