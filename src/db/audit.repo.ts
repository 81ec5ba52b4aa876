import type { Db } from './database';
import { storableJson, storableText } from './storable';

export type AuditOutcomeValue = 'ok' | 'denied' | 'error';

export interface AuditEntry {
  requestId: string;
  organizationId: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  provider: string | null;
  accountKey: string | null;
  outcome: AuditOutcomeValue;
  errorCode: string | null;
  arguments: unknown;
}

export interface AuditLogEntryRow {
  id: string;
  at: Date;
  request_id: string | null;
  organization_id: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  provider: string | null;
  account_key: string | null;
  outcome: AuditOutcomeValue;
  error_code: string | null;
}

export class AuditRepo {
  constructor(private readonly db: Db) {}

  /**
   * Appends one entry. Whatever a client sent is stored (control characters and broken UTF-16 in an
   * encoded form, see storable.ts): no input may make the audit row fail while the action goes through.
   */
  async append(entry: AuditEntry): Promise<void> {
    await this.appendMany([entry]);
  }

  /** Several entries in one INSERT (the batched read audit, src/graphql/read-audit.plugin.ts). */
  async appendMany(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db('audit_log').insert(entries.map(auditRow));
  }

  /** Newest first; `afterId` is the id of the last row of the previous page. */
  async page(
    organizationId: string,
    limit: number,
    afterId?: string,
    filter: { provider?: string; outcome?: AuditOutcomeValue } = {},
  ): Promise<AuditLogEntryRow[]> {
    const query = this.db('audit_log')
      .select(
        'id',
        'at',
        'request_id',
        'organization_id',
        'actor_id',
        'actor_role',
        'action',
        'provider',
        'account_key',
        'outcome',
        'error_code',
      )
      .where({ organization_id: organizationId })
      .orderBy('id', 'desc')
      .limit(limit);
    if (afterId !== undefined) query.where('id', '<', afterId);
    if (filter.provider) query.where('provider', filter.provider);
    if (filter.outcome) query.where('outcome', filter.outcome);
    const rows = (await query) as AuditLogEntryRow[];
    // bigserial comes back as a string from pg and as a number from PGlite; one type for callers.
    return rows.map((row) => ({ ...row, id: String(row.id) }));
  }
}

function auditRow(entry: AuditEntry) {
  return {
    request_id: storableText(entry.requestId),
    organization_id: entry.organizationId,
    actor_id: storableText(entry.actorId),
    actor_role: storableText(entry.actorRole),
    action: storableText(entry.action),
    provider: storableText(entry.provider),
    account_key: storableText(entry.accountKey),
    outcome: entry.outcome,
    error_code: storableText(entry.errorCode),
    arguments: entry.arguments === undefined ? null : JSON.stringify(storableJson(entry.arguments)),
  };
}
