import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';

const env = z.object({
  MESSENGER_APP_ID: z.string(),
  MESSENGER_APP_SECRET: z.string(),
  MESSENGER_PAGE_ACCESS_TOKEN: z.string(),
  MESSENGER_VERIFY_TOKEN: z.string(),
  MESSENGER_API_BASE_URL: z.string().url().default('https://graph.facebook.com'),
});

// Facebook Page ids are numeric.
const accountFields: AccountFieldSpec[] = [
  {
    name: 'pageId',
    title: 'Facebook Page ID',
    description: "The numeric id of the Facebook Page (the Page's About → Page transparency).",
    example: '104857600123456',
    pattern: '^[0-9]{5,25}$',
    message: 'pageId must be the numeric id of the Facebook Page',
  },
];
const account = accountSchema(accountFields) as unknown as z.ZodType<{ pageId: string }>;

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
  features: [
    'Send/receive messages',
    'Rich media (images, buttons)',
    'Quick replies',
    'Postback handling',
    'Read receipts',
  ],
  account: {
    fields: accountFields,
    parse: (input) => parseAccount(account, input, 'Messenger'),
    key: (a) => a.pageId,
  },
});
