import type { Config } from '../config/config';
import { GatewayError } from '../errors/gateway-error';
import { OpenAiDataSource } from '../datasources/openai/openai.datasource';
import { openaiProvider } from '../datasources/openai/openai.provider';
import type { FairShare, QuotaCharge } from '../services/fair-share';
import type { AiSettingsPatch, AiSettingsRepo, AiSettingsRecord } from './ai-settings.repo';
import type { AiUsageRepo, AiUsageSummary } from './ai-usage.repo';
import type { AiCompleteInput, AiCompletion, AiSettings } from './ai.types';
import { validateAiSettingsInput, type AiSettingsInput, type AiLimits } from './ai-settings.rules';

/**
 * AI under the platform's OpenAI key, for every organization: its settings (platform defaults, the
 * organization's overrides within the platform's ceilings), one completion at a time under the daily
 * token budget, and the usage rows billing counts. Never logs message or instruction text.
 */
export class AiService {
  private dataSource: OpenAiDataSource | undefined;
  private usageListener: ((organizationId: string) => Promise<void>) | undefined;

  constructor(
    private readonly config: Config,
    private readonly settingsRepo: AiSettingsRepo,
    private readonly usage: AiUsageRepo,
    /** The platform key's tokens and requests per minute, split fairly among organizations. */
    private readonly fairShare?: FairShare,
  ) {}

  /** True when the platform set OPENAI_API_KEY: AI is then available to every organization. */
  get configured(): boolean {
    return this.config.providers.openai.configured;
  }

  get limits(): AiLimits {
    const c = this.config;
    return {
      defaultModel: c.AI_MODEL,
      allowedModels: allowedModels(c),
      temperatureMax: c.AI_TEMPERATURE_MAX,
      maxOutputTokensMax: c.AI_MAX_OUTPUT_TOKENS_MAX,
      dailyTokenBudgetMax: c.AI_DAILY_TOKEN_BUDGET_MAX,
    };
  }

  async settings(organizationId: string): Promise<AiSettings> {
    return this.merge(await this.settingsRepo.get(organizationId));
  }

  /** Validates (BAD_USER_INPUT naming the field) and stores an admin's changes; returns the effect. */
  async updateSettings(organizationId: string, input: AiSettingsInput): Promise<AiSettings> {
    const patch: AiSettingsPatch = validateAiSettingsInput(input, this.limits);
    const row = await this.settingsRepo.upsert(organizationId, patch);
    return this.merge(row);
  }

  async usageSummary(organizationId: string, from: Date, to: Date): Promise<AiUsageSummary> {
    return this.usage.summary(organizationId, from, to);
  }

  /** Tokens (input + output) the organization used since midnight UTC: what the budget compares. */
  async tokensToday(organizationId: string, now = new Date()): Promise<number> {
    return this.usage.tokensSince(organizationId, startOfUtcDay(now));
  }

  /**
   * One chat completion: PROVIDER_NOT_CONFIGURED without the platform key, BAD_USER_INPUT when the
   * organization turned AI off, RATE_LIMITED once today's tokens reached the budget (all before any
   * call), then the usage row. A call that starts under the budget may end past it: the budget
   * refuses the next one (and concurrent calls may each pass the check), it never cuts an answer.
   */
  async complete(input: AiCompleteInput): Promise<AiCompletion> {
    const dataSource = this.client();
    const settings = await this.settings(input.organizationId);
    if (!settings.enabled) {
      throw new GatewayError('BAD_USER_INPUT', 'AI is turned off for this organization.');
    }
    const now = new Date();
    const used = await this.tokensToday(input.organizationId, now);
    if (used >= settings.dailyTokenBudget) {
      throw new GatewayError(
        'RATE_LIMITED',
        "The organization's daily AI token budget is used up; it renews at midnight UTC.",
        {
          details: { used, budget: settings.dailyTokenBudget },
          extensions: { retryAfterMs: startOfUtcDay(now).getTime() + DAY_MS - now.getTime() },
        },
      );
    }
    const tokens = await this.takeShare(input, settings);
    const started = Date.now();
    const completion = await dataSource.chat({
      model: settings.model,
      temperature: settings.temperature,
      maxOutputTokens: settings.maxOutputTokens,
      messages: input.messages,
      tools: input.tools,
    });
    // The estimate made room in the minute's tokens; what OpenAI reports replaces it.
    await tokens?.settle(completion.usage.inputTokens + completion.usage.outputTokens);
    try {
      await this.usage.record({
        organizationId: input.organizationId,
        requestId: input.requestId,
        conversationId: input.conversationId,
        model: completion.model,
        inputTokens: completion.usage.inputTokens,
        outputTokens: completion.usage.outputTokens,
      });
      // Usage reporting batches it to Stripe (src/billing/usage-reporter.ts); its failure is no AI failure.
      await this.usageListener?.(input.organizationId).catch((error: unknown) =>
        input.logger.warn({ err: error, organizationId: input.organizationId }, 'usage report not scheduled'),
      );
    } catch (error) {
      // The tokens are spent and the answer is good: hand it over, and make the billing gap loud.
      input.logger.error(
        { err: error, organizationId: input.organizationId, model: completion.model, ...completion.usage },
        'could not record AI usage',
      );
    }
    // Counts only: messages, instructions and answers are shopper and business text.
    input.logger.info(
      {
        organizationId: input.organizationId,
        conversationId: input.conversationId ?? undefined,
        model: completion.model,
        inputTokens: completion.usage.inputTokens,
        outputTokens: completion.usage.outputTokens,
        toolCalls: completion.message.toolCalls.length,
        durationMs: Date.now() - started,
      },
      'ai completion',
    );
    return completion;
  }

  /**
   * Charges this organization's share of the platform key's per-minute limits before the call:
   * one request, and the tokens estimated from the prompt's length (about 4 characters a token, the
   * rule of thumb OpenAI gives) plus the most the answer may use. RATE_LIMITED when the share is
   * used up, so one busy organization meets the gateway's refusal instead of OpenAI's 429s for all.
   */
  private async takeShare(input: AiCompleteInput, settings: AiSettings): Promise<QuotaCharge | undefined> {
    const gate = this.fairShare?.gate('openai', input.organizationId, openaiProvider.quota);
    const quota = gate?.quota;
    if (!gate || !quota) return undefined;
    const windowSeconds = quota.windowSeconds;
    if (quota.limit) await gate.take(`requests:${settings.model}`, { limit: quota.limit, windowSeconds });
    if (!quota.tokensPerMinute) return undefined;
    const promptChars = input.messages.reduce(
      (sum, m) =>
        sum + (m.content?.length ?? 0) + (m.toolCalls ?? []).reduce((n, c) => n + c.arguments.length, 0),
      0,
    );
    const estimate = Math.ceil(promptChars / 4) + settings.maxOutputTokens;
    return gate.take(
      `tokens:${settings.model}`,
      { limit: quota.tokensPerMinute * (windowSeconds / 60), windowSeconds },
      estimate,
    );
  }

  /** Told after each usage row is stored (usage reporting; set in src/billing/billing-usage.ts). */
  setUsageListener(listener: ((organizationId: string) => Promise<void>) | undefined): void {
    this.usageListener = listener;
  }

  private client(): OpenAiDataSource {
    const openai = this.config.providers.openai;
    if (!openai.configured) {
      throw new GatewayError(
        'PROVIDER_NOT_CONFIGURED',
        `OpenAI is not configured on this gateway (missing ${openai.missing.join(', ')}).`,
      );
    }
    return (this.dataSource ??= new OpenAiDataSource(openai.env, { timeoutMs: openai.env.timeoutMs }));
  }

  /** Platform defaults under the organization's overrides; a ceiling lowered later still applies. */
  private merge(row: AiSettingsRecord | undefined): AiSettings {
    const c = this.config;
    const limits = this.limits;
    const model = row?.model && limits.allowedModels.includes(row.model) ? row.model : c.AI_MODEL;
    return {
      enabled: row?.enabled ?? true,
      instructions: row?.instructions ?? '',
      model,
      temperature: Math.min(row?.temperature ?? c.AI_TEMPERATURE, c.AI_TEMPERATURE_MAX),
      maxOutputTokens: Math.min(row?.max_output_tokens ?? c.AI_MAX_OUTPUT_TOKENS, c.AI_MAX_OUTPUT_TOKENS_MAX),
      autoReplyChannels: row?.auto_reply_channels ?? [],
      dailyTokenBudget: Math.min(
        row?.daily_token_budget ?? c.AI_DAILY_TOKEN_BUDGET,
        c.AI_DAILY_TOKEN_BUDGET_MAX,
      ),
    };
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

function allowedModels(config: Config): string[] {
  return [...new Set([config.AI_MODEL, ...config.AI_ALLOWED_MODELS])];
}
