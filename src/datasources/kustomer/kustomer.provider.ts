import { z } from 'zod';
import { ProviderValues } from '../provider-values';
import { defineProvider } from '../types';
import { DNS_LABEL, parseAccount } from '../account-identifier';
import { KustomerClient } from './kustomer.client';
import { KustomerDataSource } from './kustomer.datasource';
import { KustomerRateLimitState } from './kustomer.rate-limit';

const env = z.object({
  KUSTOMER_API_KEY: z.string(),
  KUSTOMER_API_BASE_URL: z.string().default('https://{subdomain}.api.kustomerapp.com'),
});

const account = z.object({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(DNS_LABEL, 'subdomain must be the "mycompany" of mycompany.kustomerapp.com'),
});

export const kustomerProvider = defineProvider({
  id: 'kustomer',
  displayName: 'Kustomer',
  typename: 'KustomerIntegration',
  envSchema: env,
  envVars: ['KUSTOMER_API_KEY'],
  account: {
    parse: (input) => parseAccount(account, input, 'Kustomer'),
    key: (a) => a.subdomain,
  },
  createDataSource({ env, account, http, logger, health, shared }) {
    // The subdomain passed DNS_LABEL validation, so it cannot change the host or the path.
    const baseUrl = env.KUSTOMER_API_BASE_URL.replaceAll('{subdomain}', account.subdomain).replace(
      /\/+$/,
      '',
    );
    const client = new KustomerClient(
      http,
      { baseUrl, apiKey: env.KUSTOMER_API_KEY, subdomain: account.subdomain },
      // Kustomer's quota is org-wide: remembered across requests.
      shared('rate-limit', () => new KustomerRateLimitState()),
      health,
    );
    return new KustomerDataSource(client, new ProviderValues('kustomer', logger));
  },
  testConnection: (dataSource) => dataSource.ping(),
});
