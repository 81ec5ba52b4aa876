import type { Config } from '../config/config';

/** The usage the gateway bills by, by our name (what Organization.billing.usage lists). */
export type MeterKey = 'ai_tokens' | 'messages_sent';

export interface UsageMeter {
  key: MeterKey;
  /** The Stripe meter's `event_name` (STRIPE_METER_*): what the meter event is sent as. */
  eventName: string;
  /** The usage table a row of this meter lives in (`usage_report_rows.source`). */
  source: 'ai_usage' | 'messages';
  /** SQL over the alias `u` of that table: the units one row counts. */
  quantitySql: string;
  /** SQL over `u`: which rows count at all (an organization filter is added by the caller). */
  whereSql: string;
}

/**
 * AI tokens: input plus output tokens of each model call (ai_usage). Messages sent: outbound messages
 * the channel accepted — not `pending` (the send is under way) nor `failed`; a pending one counts once
 * it moves on, in a later report. A message reported and later marked failed by a status callback
 * stays counted: reports are never taken back.
 */
export function usageMeters(
  config: Pick<Config, 'STRIPE_METER_AI_TOKENS' | 'STRIPE_METER_MESSAGES'>,
): UsageMeter[] {
  return [
    {
      key: 'ai_tokens',
      eventName: config.STRIPE_METER_AI_TOKENS,
      source: 'ai_usage',
      quantitySql: 'u.input_tokens + u.output_tokens',
      whereSql: 'TRUE',
    },
    {
      key: 'messages_sent',
      eventName: config.STRIPE_METER_MESSAGES,
      source: 'messages',
      quantitySql: '1',
      whereSql: `u.direction = 'outbound' AND u.status NOT IN ('pending', 'failed')`,
    },
  ];
}
