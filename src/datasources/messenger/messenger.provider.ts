import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';
import { messengerWebhooks } from '../../webhooks/messenger.webhook';
import { MessengerClient } from './messenger.client';
import { MessengerDataSource } from './messenger.datasource';
import { MessengerPageTokens } from './messenger.page-tokens';

const env = z.object({
  MESSENGER_APP_ID: z.string(),
  MESSENGER_APP_SECRET: z.string(),
  MESSENGER_PAGE_ACCESS_TOKEN: z.string(),
  MESSENGER_VERIFY_TOKEN: z.string(),
  MESSENGER_API_BASE_URL: z.string().url().default('https://graph.facebook.com'),
  /** Graph's version, the first path segment of every call; the one the Send API docs' examples use. */
  MESSENGER_API_VERSION: z
    .string()
    .regex(/^v[0-9]{1,3}\.[0-9]{1,2}$/, 'MESSENGER_API_VERSION must look like v25.0')
    .default('v25.0'),
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
  createDataSource({ env, account, http, logger, health, shared }) {
    const client = new MessengerClient(
      { http, logger, health },
      {
        baseUrl: env.MESSENGER_API_BASE_URL.replace(/\/+$/, ''),
        version: env.MESSENGER_API_VERSION,
        platformToken: env.MESSENGER_PAGE_ACCESS_TOKEN,
        pageId: account.pageId,
        // Page tokens outlive a request: one lookup per Page for the gateway's lifetime.
        tokens: shared('page-tokens', () => new MessengerPageTokens()),
      },
    );
    return new MessengerDataSource(client, account.pageId);
  },
  testConnection: async (dataSource) => {
    await dataSource.ping();
  },
  webhooks: messengerWebhooks,
  // The data source is the channel (src/messaging/messaging.types.ts).
  messaging: (dataSource) => dataSource,
});
