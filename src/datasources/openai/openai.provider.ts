import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';

// The seed names VITE_OPENAI_*; those are read for compatibility (config warns), OPENAI_* win.
const env = z
  .object({
    OPENAI_API_KEY: z.string().optional(),
    VITE_OPENAI_API_KEY: z.string().optional(),
    OPENAI_ORG_ID: z.string().optional(),
    VITE_OPENAI_ORG_ID: z.string().optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
  })
  .transform((e) => ({
    apiKey: e.OPENAI_API_KEY ?? e.VITE_OPENAI_API_KEY,
    organization: e.OPENAI_ORG_ID ?? e.VITE_OPENAI_ORG_ID,
    baseURL: e.OPENAI_BASE_URL,
  }))
  .refine((e) => e.apiKey !== undefined, { message: 'OPENAI_API_KEY' });

// The organization provides nothing: the platform's key serves every organization.
const account = z
  .object({})
  .passthrough()
  .transform(() => ({}));

export const openaiProvider = defineProvider({
  id: 'openai',
  displayName: 'OpenAI',
  typename: 'OpenAIIntegration',
  envSchema: env,
  envVars: ['OPENAI_API_KEY', 'OPENAI_ORG_ID'],
  features: ["AI responses across the platform (the platform's key serves every organization)"],
  account: {
    // Nothing to give: the platform's own account serves every organization.
    fields: [],
    parse: (input) => parseAccount(account, input ?? {}, 'OpenAI'),
    // One per organization; the registry substitutes the organization id for an empty key.
    key: () => '',
  },
});
