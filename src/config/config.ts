import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { PROVIDERS, providerEnvSchemas, type ProviderId } from '../datasources/registry';
import { providerQuotaOverridesSchema } from '../services/provider-quota';

/**
 * The one place that reads `process.env`. Everything else receives a parsed {@link Config}.
 * Provider variables are parsed per provider: a provider missing one is *not configured* and the
 * gateway still starts (DESIGN.md, "Providers").
 */
const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DATA_DIR: z.string().default('.data/pglite'),
  AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /** The GraphiQL playground on GET /graphql: on outside production unless set (`true`/`false`). */
  PLAYGROUND: z.enum(['true', 'false']).optional(),
  /**
   * The gateway's address as providers call it (https://gateway.example.com), when a proxy stands in
   * front: providers that sign the URL (Twilio) are verified against it.
   */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Multiplies every @rateLimit budget; 0 turns per-organization limits off (load tests). */
  RATE_LIMIT_SCALE: z.coerce.number().min(0).default(1),
  /**
   * Upstream calls one operation may make by the cost model's estimate (schema/cost.graphql); more is
   * refused with QUERY_TOO_COMPLEX before any call.
   */
  MAX_UPSTREAM_CALLS_PER_OPERATION: z.coerce.number().int().min(1).default(200),
  /** Schema introspection: on outside production, off in production unless `true`. */
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  /** Multiplies every provider quota the organizations share (src/services/fair-share.ts); 0: off. */
  PROVIDER_QUOTA_SCALE: z.coerce.number().min(0).default(1),
  /** The platform's provider tiers where they differ from the declared defaults (JSON, by provider). */
  PROVIDER_QUOTAS: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        return providerQuotaOverridesSchema.parse(JSON.parse(v));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message:
            'PROVIDER_QUOTAS must be a JSON object of provider to {limit, windowSeconds, tokensPerMinute, concurrency}',
        });
        return z.NEVER;
      }
    }),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Background jobs (webhook processing): off leaves them queued for other instances. */
  JOBS_WORKER: z.enum(['on', 'off']).default('on'),
  /** How often an idle worker looks for due jobs; jobs enqueued here start at once regardless. */
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  /** Attempts before a job is dead (a webhook event: `DEAD`, replayable through GraphQL). */
  JOBS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** First retry delay; doubles per attempt (with jitter), at most one hour. */
  JOBS_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5000),
  /** How long a claimed job is its worker's; after that (a crash) another worker takes it over. */
  JOBS_LEASE_MS: z.coerce.number().int().min(100).default(300_000),
  /** Jobs one instance runs at the same time. */
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** AI (src/ai/): the platform's defaults, and the ceilings an organization's settings stay within. */
  AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Models an organization may choose (comma-separated); AI_MODEL is always allowed. */
  AI_ALLOWED_MODELS: z
    .string()
    .default('gpt-4o-mini,gpt-4o,gpt-4.1-mini,gpt-4.1')
    .transform((v) =>
      v
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  AI_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.3),
  AI_TEMPERATURE_MAX: z.coerce.number().min(0).max(2).default(1),
  AI_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().default(500),
  AI_MAX_OUTPUT_TOKENS_MAX: z.coerce.number().int().positive().default(2000),
  AI_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(200_000),
  AI_DAILY_TOKEN_BUDGET_MAX: z.coerce.number().int().min(0).default(2_000_000),
  /** Billing (src/billing/): plans by name as Stripe price ids, JSON: {"starter":"price_123"}. */
  STRIPE_PLANS: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        return z.record(z.string().regex(/^[a-z0-9_-]{1,40}$/), z.string().min(1)).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'STRIPE_PLANS must be a JSON object of plan name to price id',
        });
        return z.NEVER;
      }
    }),
  /**
   * Who may claim a provider account (store name, subdomain, page id, number): `open`, the first
   * organization to connect it; `approval`, a new connection stays PENDING until a platform admin
   * approves it, or the organization proves control where the provider allows (README "Who may claim
   * an account").
   */
  ACCOUNT_CLAIM_POLICY: z.enum(['open', 'approval']).default('open'),
  /** What a past-due or unpaid subscription blocks: nothing, mutations, or every operation. */
  BILLING_PAST_DUE_POLICY: z.enum(['allow', 'read_only', 'block']).default('allow'),
  /** Where Checkout and the Billing Portal send the user back (the admin page); PUBLIC_BASE_URL without it. */
  BILLING_RETURN_URL: z.string().url().optional(),
  /** Usage reporting (src/billing/usage-reporter.ts): how often unreported usage is sent to Stripe. */
  BILLING_USAGE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** The Stripe meters' event names for AI tokens and messages sent. */
  STRIPE_METER_AI_TOKENS: z.string().min(1).max(100).default('ai_tokens'),
  STRIPE_METER_MESSAGES: z.string().min(1).max(100).default('messages_sent'),
});

export type BaseConfig = z.infer<typeof baseSchema>;

export type ProvidersConfig = {
  [P in ProviderId]:
    | { configured: true; env: z.infer<(typeof providerEnvSchemas)[P]> }
    | { configured: false; missing: string[] };
};

export interface Config extends BaseConfig {
  providers: ProvidersConfig;
  /** Variables that were read but are deprecated; logged once at start. */
  warnings: string[];
  /**
   * Set by the start (src/main.ts) when AUTH_JWT_SECRET is the development secret: only then may the
   * console's sign-in form and the playground ask the gateway for a token (src/http/dev-sign-in.ts).
   */
  devSigning?: boolean;
}

export class ConfigError extends Error {}

/**
 * Reads a `.env` file into the environment when there is one (Node's own parser; variables already
 * set win). For local runs only: deployments set real environment variables.
 */
export function loadDotEnv(file = '.env'): void {
  if (!fs.existsSync(file)) return;
  const fromFile = parseEnv(fs.readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(fromFile)) process.env[key] ??= value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = baseSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const base = parsed.data;
  if (base.NODE_ENV === 'production' && !base.AUTH_JWT_SECRET && !base.AUTH_JWKS_URL) {
    throw new ConfigError(
      'AUTH_JWT_SECRET (or AUTH_JWKS_URL) is required when NODE_ENV=production: without it no token can be verified.',
    );
  }
  const warnings: string[] = [];
  const providers = {} as Record<ProviderId, ProvidersConfig[ProviderId]>;
  for (const id of PROVIDERS) {
    const schema = providerEnvSchemas[id];
    const result = schema.safeParse(stripEmpty(env));
    if (result.success) {
      providers[id] = { configured: true, env: result.data } as ProvidersConfig[ProviderId];
    } else {
      // A missing variable is reported by its name; a whole-object rule (one of two) by its message.
      const missing = [
        ...new Set(result.error.issues.map((i) => (i.path.length ? i.path.join('.') : i.message))),
      ];
      providers[id] = { configured: false, missing };
    }
  }
  if (env.VITE_OPENAI_API_KEY && !env.OPENAI_API_KEY) {
    warnings.push(
      'VITE_OPENAI_API_KEY is read for compatibility; rename it OPENAI_API_KEY: Vite bundles VITE_* variables into browser code.',
    );
  }
  return { ...base, providers: providers as ProvidersConfig, warnings };
}

/** Empty strings in a .env file mean "unset", not "set to nothing". */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
