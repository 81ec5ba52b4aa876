import type { Db } from '../db/database';

export interface AiUsageRecord {
  organizationId: string;
  requestId: string;
  conversationId?: string | null | undefined;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface AiUsageTotals {
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

export interface AiUsageSummary extends AiUsageTotals {
  byModel: Array<AiUsageTotals & { model: string }>;
}

/** One row per model call: what usage-based billing counts, and what the daily budget sums. */
export class AiUsageRepo {
  constructor(private readonly db: Db) {}

  async record(usage: AiUsageRecord): Promise<void> {
    await this.db('ai_usage').insert({
      organization_id: usage.organizationId,
      request_id: usage.requestId,
      conversation_id: usage.conversationId ?? null,
      model: usage.model,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
    });
  }

  /** Input plus output tokens of an organization since a moment (the budget's day). */
  async tokensSince(organizationId: string, since: Date): Promise<number> {
    const row = (await this.db('ai_usage')
      .where({ organization_id: organizationId })
      .andWhere('created_at', '>=', since)
      .select(this.db.raw('COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens'))
      .first()) as { tokens: string | number } | undefined;
    // SUM of integers is bigint: a string on pg, a number on PGlite.
    return Number(row?.tokens ?? 0);
  }

  /** Totals and per-model totals in [from, to). */
  async summary(organizationId: string, from: Date, to: Date): Promise<AiUsageSummary> {
    const rows = (await this.db('ai_usage')
      .where({ organization_id: organizationId })
      .andWhere('created_at', '>=', from)
      .andWhere('created_at', '<', to)
      .groupBy('model')
      .orderBy('model')
      .select(
        'model',
        this.db.raw('SUM(input_tokens) AS input_tokens'),
        this.db.raw('SUM(output_tokens) AS output_tokens'),
        this.db.raw('COUNT(*) AS requests'),
      )) as Array<{
      model: string;
      input_tokens: string | number;
      output_tokens: string | number;
      requests: string | number;
    }>;
    const byModel = rows.map((r) => ({
      model: r.model,
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      requests: Number(r.requests),
    }));
    return {
      inputTokens: byModel.reduce((n, m) => n + m.inputTokens, 0),
      outputTokens: byModel.reduce((n, m) => n + m.outputTokens, 0),
      requests: byModel.reduce((n, m) => n + m.requests, 0),
      byModel,
    };
  }
}
