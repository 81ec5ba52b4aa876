import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';

const env = z.object({
  MESSENGER_APP_ID: z.string(),
  MESSENGER_APP_SECRET: z.string(),
  MESSENGER_PAGE_ACCESS_TOKEN: z.string(),
  MESSENGER_VERIFY_TOKEN: z.string(),
  MESSENGER_API_BASE_URL: z.string().url().default('https://graph.facebook.com'),
});

// Facebook Page ids are numeric.
const account = z.object({
  pageId: z
    .string()
    .trim()
    .regex(/^[0-9]{5,25}$/, 'pageId must be the numeric id of the Facebook Page'),
});

export const messengerProvider = defineProvider({
  id: 'messenger',
  displayName: 'Facebook Messenger',
  typename: 'MessengerIntegration',
  envSchema: env,
  envVars: [
    'MESSENGER_APP_ID',
    'MESSENGER_APP_SECRET',
    'MESSENGER_PAGE_ACCESS_TOKEN',
    'MESSENGER_VERIFY_TOKEN',
  ],
  account: {
    parse: (input) => parseAccount(account, input, 'Messenger'),
    key: (a) => a.pageId,
  },
});
