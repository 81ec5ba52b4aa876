import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';

const env = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'TWILIO_ACCOUNT_SID'),
  TWILIO_AUTH_TOKEN: z.string(),
  TWILIO_WHATSAPP_NUMBER: z.string(),
  TWILIO_API_BASE_URL: z.string().url().optional(),
});

// Twilio addresses WhatsApp senders as `whatsapp:+E164`; we store the bare E.164 number.
const account = z.object({
  businessNumber: z
    .string()
    .trim()
    .transform((s) => s.replace(/^whatsapp:/i, '').replace(/[\s().-]/g, ''))
    .pipe(
      z.string().regex(/^\+[1-9][0-9]{7,14}$/, 'businessNumber must be an E.164 number such as +14155238886'),
    ),
});

export const whatsappProvider = defineProvider({
  id: 'whatsapp',
  displayName: 'WhatsApp (Twilio)',
  typename: 'WhatsAppIntegration',
  envSchema: env,
  envVars: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WHATSAPP_NUMBER'],
  account: {
    parse: (input) => parseAccount(account, input, 'WhatsApp'),
    key: (a) => a.businessNumber,
  },
});
