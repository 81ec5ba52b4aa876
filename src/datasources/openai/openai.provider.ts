import { z } from 'zod';
import { defineProvider } from '../types';
import { parseAccount } from '../account-identifier';
import { OpenAiDataSource } from './openai.datasource';

// The seed names VITE_OPENAI_*; those are read for compatibility (config warns), OPENAI_* win.
const env = z
  .object({
    OPENAI_API_KEY: z.string().optional(),
    VITE_OPENAI_API_KEY: z.string().optional(),
    OPENAI_ORG_ID: z.string().optional(),
    VITE_OPENAI_ORG_ID: z.string().optional(),
    OPENAI_PROJECT_ID: z.string().optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    // The platform's model (also in the base config): the one testIntegration proves is reachable.
    AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  })
  .transform((e) => ({
    apiKey: e.OPENAI_API_KEY ?? e.VITE_OPENAI_API_KEY,
    organization: e.OPENAI_ORG_ID ?? e.VITE_OPENAI_ORG_ID,
    project: e.OPENAI_PROJECT_ID,
    baseURL: e.OPENAI_BASE_URL,
    model: e.AI_MODEL,
    timeoutMs: e.UPSTREAM_TIMEOUT_MS,
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
  envVars: ['OPENAI_API_KEY', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_BASE_URL'],
  features: ["AI responses across the platform (the platform's key serves every organization)"],
  // Per key (the OpenAI organization) and model, per minute. PROVIDER-FACTS.md has the headers, not
  // the numbers: these are the usage tier 1 figures for gpt-4o-mini (500 RPM, 200,000 TPM); set the
  // platform's tier with PROVIDER_QUOTAS.
  quota: {
    scope: 'credential',
    limit: 500,
    windowSeconds: 60,
    tokensPerMinute: 200_000,
    source: 'https://platform.openai.com/docs/guides/rate-limits (tier 1, gpt-4o-mini)',
  },
  account: {
    // Nothing to give: the platform's own account serves every organization.
    fields: [],
    parse: (input) => parseAccount(account, input ?? {}, 'OpenAI'),
    // One per organization; the registry substitutes the organization id for an empty key.
    key: () => '',
  },
  // One client per gateway: the SDK keeps its connections; every organization shares the key.
  createDataSource: ({ env, shared }) =>
    shared('client', () => new OpenAiDataSource(env, { timeoutMs: env.timeoutMs })),
  testConnection: (dataSource) => dataSource.retrieveModel(dataSource.platformModel),
});
