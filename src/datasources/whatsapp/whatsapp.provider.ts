import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { accountSchema, type AccountFieldSpec } from '../account-fields';

const env = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'TWILIO_ACCOUNT_SID'),
  TWILIO_AUTH_TOKEN: z.string(),
  TWILIO_WHATSAPP_NUMBER: z.string(),
  TWILIO_API_BASE_URL: z.string().url().optional(),
});

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
    normalize: (value) => value.replace(/^whatsapp:/i, '').replace(/[\s().-]/g, ''),
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
});
