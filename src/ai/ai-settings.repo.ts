import type { Db } from '../db/database';
import type { AiAutoReplyChannel } from './ai.types';

/** An organization's overrides; null columns mean "the platform's default". */
export interface AiSettingsRecord {
  organization_id: string;
  enabled: boolean;
  instructions: string | null;
  model: string | null;
  temperature: number | null;
  max_output_tokens: number | null;
  auto_reply_channels: AiAutoReplyChannel[];
  daily_token_budget: number | null;
  updated_at: Date;
}

export type AiSettingsPatch = Partial<
  Pick<
    AiSettingsRecord,
    | 'enabled'
    | 'instructions'
    | 'model'
    | 'temperature'
    | 'max_output_tokens'
    | 'auto_reply_channels'
    | 'daily_token_budget'
  >
>;

export class AiSettingsRepo {
  constructor(private readonly db: Db) {}

  async get(organizationId: string): Promise<AiSettingsRecord | undefined> {
    const row = await this.db<AiSettingsRecord>('ai_settings')
      .where({ organization_id: organizationId })
      .first();
    return row ? normalize(row) : undefined;
  }

  /** Writes the given columns (others keep their value, or the defaults for a new row). */
  async upsert(organizationId: string, patch: AiSettingsPatch): Promise<AiSettingsRecord> {
    const values: Record<string, unknown> = { ...patch, updated_at: this.db.fn.now() };
    // jsonb arrays go in as JSON text: the pg driver would send a JS array as a PostgreSQL array.
    if (patch.auto_reply_channels) values.auto_reply_channels = JSON.stringify(patch.auto_reply_channels);
    const [row] = await this.db('ai_settings')
      .insert({ organization_id: organizationId, ...values })
      .onConflict('organization_id')
      .merge(Object.keys(values))
      .returning('*');
    return normalize(row as AiSettingsRecord);
  }
}

function normalize(row: AiSettingsRecord): AiSettingsRecord {
  return {
    ...row,
    temperature: row.temperature === null ? null : Number(row.temperature),
    auto_reply_channels:
      typeof row.auto_reply_channels === 'string'
        ? (JSON.parse(row.auto_reply_channels) as AiAutoReplyChannel[])
        : (row.auto_reply_channels ?? []),
  };
}
