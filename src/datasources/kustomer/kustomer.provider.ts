import { z } from 'zod';
import { defineProvider } from '../types';
import { DNS_LABEL, parseAccount } from '../account-identifier';

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
});
