import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';
import { whatsappWebhooks } from '../../webhooks/whatsapp.webhook';
import { createTwilioClient } from './twilio.client';
import { WhatsAppDataSource } from './whatsapp.datasource';
import { normalizeNumber, sharedNumber } from './whatsapp.number';

const env = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'TWILIO_ACCOUNT_SID'),
  TWILIO_AUTH_TOKEN: z.string(),
  TWILIO_WHATSAPP_NUMBER: z.string(),
  TWILIO_API_BASE_URL: z.string().url().optional(),
  // Read by the config loader like every variable: status callbacks go to PUBLIC_BASE_URL, and the
  // SDK's own HTTP stack gets the gateway's deadline.
  PUBLIC_BASE_URL: z.string().url().optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
export type WhatsAppEnv = z.infer<typeof env>;

// Twilio addresses WhatsApp senders as `whatsapp:+E164`; we store the bare E.164 number.
const accountFields: AccountFieldSpec[] = [
  {
    name: 'businessNumber',
    title: 'WhatsApp business number',
    description:
      "Your approved WhatsApp Business number in international form; leave WhatsApp unconnected to use the platform's shared number.",
    example: '+14155238886',
    // Spaces, dots, dashes and brackets as people write numbers; 8 to 15 digits once they are gone.
    pattern: '^(?:whatsapp:)?\\+(?=(?:[\\s().-]*[0-9]){8,15}[\\s().-]*$)[\\s().-]*[1-9][0-9\\s().-]*$',
    message: 'businessNumber must be an E.164 number such as +14155238886',
    normalize: normalizeNumber,
  },
];
const account = accountSchema(accountFields) as unknown as z.ZodType<{ businessNumber: string }>;

export const whatsappProvider = defineProvider({
  id: 'whatsapp',
  displayName: 'WhatsApp (Twilio)',
  typename: 'WhatsAppIntegration',
  envSchema: env,
  envVars: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_NUMBER'],
  features: ['Send/receive WhatsApp messages', 'Media support', 'Template messages', 'Business verification'],
  account: {
    fields: accountFields,
    parse: (input) => parseAccount(account, input, 'WhatsApp'),
    key: (a) => a.businessNumber,
  },
  // No business number connected: the organization sends from the platform's shared number.
  sharedAccount: true,
  sharedAccountKey: (e) => sharedNumber(e),
  // Twilio refuses with 429 / 20429 past the account's REST concurrency. PROVIDER-FACTS.md has the
  // error, not the number: 100 concurrent requests is the commonly cited default (unconfirmed); set
  // the account's with PROVIDER_QUOTAS. Counted per instance.
  quota: {
    scope: 'credential',
    windowSeconds: 1,
    concurrency: 100,
    source: 'https://www.twilio.com/docs/api/errors/20429',
  },
  createDataSource({ env, account, logger, health, shared, quota }) {
    const client = shared('twilio-client', () =>
      createTwilioClient({
        accountSid: env.TWILIO_ACCOUNT_SID,
        authToken: env.TWILIO_AUTH_TOKEN,
        baseUrl: env.TWILIO_API_BASE_URL,
        timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      }),
    );
    // `account` is undefined when the runtime builds the shared-number data source.
    const own = (account as { businessNumber: string } | undefined)?.businessNumber;
    return new WhatsAppDataSource(
      client,
      {
        fromNumber: own ?? sharedNumber(env),
        shared: own === undefined,
        publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      },
      health,
      logger.child({ provider: 'whatsapp' }),
      quota,
    );
  },
  testConnection: (dataSource) => dataSource.ping(),
  messaging: (dataSource) => dataSource,
  webhooks: whatsappWebhooks,
});
