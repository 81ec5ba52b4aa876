import { GatewayError } from '../errors/gateway-error';
import type { AiSettingsPatch } from './ai-settings.repo';
import type { AiAutoReplyChannel } from './ai.types';

/** What the platform lets an organization choose. */
export interface AiLimits {
  defaultModel: string;
  allowedModels: string[];
  temperatureMax: number;
  maxOutputTokensMax: number;
  dailyTokenBudgetMax: number;
}

/** An admin's changes; absent (or null) fields keep their value. */
export interface AiSettingsInput {
  enabled?: boolean | null | undefined;
  instructions?: string | null | undefined;
  model?: string | null | undefined;
  temperature?: number | null | undefined;
  maxOutputTokens?: number | null | undefined;
  autoReplyChannels?: AiAutoReplyChannel[] | null | undefined;
  dailyTokenBudget?: number | null | undefined;
}

export const INSTRUCTIONS_MAX_LENGTH = 4000;
const AUTO_REPLY_CHANNELS: readonly AiAutoReplyChannel[] = ['messenger', 'whatsapp'];
// Control characters other than tab and newline (carriage returns included: a newline is \n).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Checks every field before anything is stored; BAD_USER_INPUT names the field and the limit. */
export function validateAiSettingsInput(input: AiSettingsInput, limits: AiLimits): AiSettingsPatch {
  const patch: AiSettingsPatch = {};
  const bad = (field: string, message: string) =>
    new GatewayError('BAD_USER_INPUT', `${field}: ${message}`, { extensions: { field } });

  if (input.enabled != null) patch.enabled = input.enabled;
  if (input.instructions != null) {
    const text = input.instructions;
    if (text.length > INSTRUCTIONS_MAX_LENGTH) {
      throw bad('instructions', `at most ${INSTRUCTIONS_MAX_LENGTH} characters.`);
    }
    if (CONTROL_CHARS.test(text)) {
      throw bad('instructions', 'control characters other than newline and tab are not allowed.');
    }
    patch.instructions = text;
  }
  if (input.model != null) {
    if (!limits.allowedModels.includes(input.model)) {
      throw bad('model', `must be one of ${limits.allowedModels.join(', ')}.`);
    }
    patch.model = input.model;
  }
  if (input.temperature != null) {
    const t = input.temperature;
    if (!Number.isFinite(t) || t < 0 || t > Math.min(1, limits.temperatureMax)) {
      throw bad('temperature', `must be between 0 and ${Math.min(1, limits.temperatureMax)}.`);
    }
    patch.temperature = t;
  }
  if (input.maxOutputTokens != null) {
    const n = input.maxOutputTokens;
    if (!Number.isInteger(n) || n < 1 || n > limits.maxOutputTokensMax) {
      throw bad('maxOutputTokens', `must be between 1 and ${limits.maxOutputTokensMax}.`);
    }
    patch.max_output_tokens = n;
  }
  if (input.dailyTokenBudget != null) {
    const n = input.dailyTokenBudget;
    if (!Number.isInteger(n) || n < 0 || n > limits.dailyTokenBudgetMax) {
      throw bad('dailyTokenBudget', `must be between 0 and ${limits.dailyTokenBudgetMax}.`);
    }
    patch.daily_token_budget = n;
  }
  if (input.autoReplyChannels != null) {
    const unknown = input.autoReplyChannels.filter((c) => !AUTO_REPLY_CHANNELS.includes(c));
    if (unknown.length) throw bad('autoReplyChannels', `unknown channel ${unknown.join(', ')}.`);
    patch.auto_reply_channels = [...new Set(input.autoReplyChannels)];
  }
  return patch;
}
