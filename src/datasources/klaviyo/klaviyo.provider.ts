import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';

const env = z.object({
  KLAVIYO_PRIVATE_API_KEY: z.string(),
  KLAVIYO_API_BASE_URL: z.string().url().default('https://a.klaviyo.com'),
  KLAVIYO_API_REVISION: z.string().default('2026-07-15'),
});

// Klaviyo's public company id ("site id") is six alphanumeric characters and case-sensitive.
const account = z.object({
  companyId: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9]{6}$/,
      'companyId must be six letters or digits (Klaviyo: Settings → Account → API keys)',
    ),
});

export const klaviyoProvider = defineProvider({
  id: 'klaviyo',
  displayName: 'Klaviyo',
  typename: 'KlaviyoIntegration',
  envSchema: env,
  envVars: ['KLAVIYO_PRIVATE_API_KEY'],
  account: {
    parse: (input) => parseAccount(account, input, 'Klaviyo'),
    key: (a) => a.companyId,
  },
});
