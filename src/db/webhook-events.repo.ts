import type { Knex } from 'knex';
import type { Db } from './database';

export type WebhookEventStateValue =
  'pending' | 'processing' | 'done' | 'failed' | 'dead' | 'unrouted' | 'unsupported';

export interface WebhookEventRow {
  id: string;
  seq: string;
  provider: string;
  provider_event_id: string;
  organization_id: string | null;
  topic: string | null;
  account_key: string | null;
  payload: unknown;
  state: WebhookEventStateValue;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
  updated_at: Date;
}

/** The list columns: never the payload, which holds the provider's customer data. */
const LIST_COLUMNS = [
  'id',
  'seq',
  'provider',
  'provider_event_id',
  'organization_id',
  'topic',
  'account_key',
  'state',
  'attempts',
  'last_error',
  'received_at',
  'processed_at',
  'updated_at',
] as const;

export const REDACTED_PAYLOAD = { redacted: true };

/** What a customers/redact request names; any one of them matching marks a payload. */
export interface CustomerMatch {
  customerId?: string | undefined;
  email?: string | undefined;
  orderIds?: readonly string[] | undefined;
}

/** The `webhook_events` inbox (migrations 004 and 20261201_008). */
export class WebhookEventsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Stores a verified event unless the provider's id is already stored (a retry, or a concurrent
   * copy): returns the new row's id, or undefined for a duplicate. Runs in the caller's transaction.
   */
  async insert(
    trx: Knex.Transaction,
    event: { provider: string; providerEventId: string; topic: string; accountKey: string; payload: unknown },
  ): Promise<string | undefined> {
    const rows = (await trx('webhook_events')
      .insert({
        provider: event.provider,
        provider_event_id: event.providerEventId,
        topic: event.topic,
        account_key: event.accountKey,
        payload: JSON.stringify(event.payload ?? null),
        state: 'pending',
      })
      .onConflict(['provider', 'provider_event_id'])
      .ignore()
      .returning('id')) as Array<{ id: string }>;
    return rows[0]?.id;
  }

  async byId(id: string): Promise<WebhookEventRow | undefined> {
    const row = (await this.db('webhook_events').where({ id }).first()) as WebhookEventRow | undefined;
    return row && normalize(row);
  }

  /** Starts an attempt: counts it and records which organization the event belongs to. */
  async startAttempt(id: string, organizationId: string | null): Promise<void> {
    await this.db('webhook_events')
      .where({ id })
      .update({
        state: 'processing',
        organization_id: organizationId,
        attempts: this.db.raw('attempts + 1'),
        updated_at: this.db.fn.now(),
      });
  }

  async finish(id: string, state: WebhookEventStateValue, lastError: string | null = null): Promise<void> {
    const ended = state !== 'failed' && state !== 'pending';
    await this.db('webhook_events')
      .where({ id })
      .update({
        state,
        last_error: lastError,
        ...(ended ? { processed_at: this.db.fn.now() } : {}),
        updated_at: this.db.fn.now(),
      });
  }

  /** Back to `pending` for a replay; runs in the caller's transaction, beside the enqueue. */
  async resetForReplay(trx: Knex.Transaction, id: string): Promise<void> {
    await trx('webhook_events')
      .where({ id })
      .update({ state: 'pending', last_error: null, processed_at: null, updated_at: trx.fn.now() });
  }

  /** Newest first; `organizationId: null` lists the unrouted events. */
  async page(
    filter: { organizationId: string | null; state?: WebhookEventStateValue; provider?: string },
    limit: number,
    afterSeq?: string,
  ): Promise<WebhookEventRow[]> {
    const query = this.db('webhook_events')
      .select(...LIST_COLUMNS)
      .orderBy('seq', 'desc')
      .limit(limit);
    if (filter.organizationId === null) query.whereNull('organization_id');
    else query.where({ organization_id: filter.organizationId });
    if (filter.state) query.where({ state: filter.state });
    if (filter.provider) query.where({ provider: filter.provider });
    if (afterSeq !== undefined) query.where('seq', '<', afterSeq);
    return ((await query) as WebhookEventRow[]).map(normalize);
  }

  /** Replaces every stored payload of an account (a shop's deletion request). Returns the count. */
  async redactAccount(provider: string, accountKey: string): Promise<number> {
    return this.db('webhook_events')
      .where({ provider, account_key: accountKey })
      .update({ payload: JSON.stringify(REDACTED_PAYLOAD), updated_at: this.db.fn.now() });
  }

  /**
   * Replaces the payloads of an account's events that are about one customer: the customer object
   * of an order, a customer event itself, or one of the named orders. The request's own event is
   * kept (it is the record that the request was honoured).
   */
  async redactCustomer(
    provider: string,
    accountKey: string,
    match: CustomerMatch,
    exceptId: string,
  ): Promise<number> {
    const query = this.db('webhook_events')
      .where({ provider, account_key: accountKey })
      .whereNot({ id: exceptId })
      .where((q) => {
        if (match.customerId) {
          q.orWhereRaw(`payload #>> '{customer,id}' = ?`, [match.customerId]);
          q.orWhereRaw(`(topic LIKE 'customers/%' AND payload ->> 'id' = ?)`, [match.customerId]);
        }
        if (match.email) {
          q.orWhereRaw(`lower(payload #>> '{customer,email}') = lower(?)`, [match.email]);
          q.orWhereRaw(`lower(payload ->> 'email') = lower(?)`, [match.email]);
        }
        if (match.orderIds?.length) {
          q.orWhereRaw(
            `(topic LIKE 'orders/%' AND payload ->> 'id' IN (${match.orderIds.map(() => '?').join(', ')}))`,
            [...match.orderIds],
          );
        }
        // Nothing to match on: match nothing, rather than everything.
        q.orWhereRaw('false');
      });
    return query.update({ payload: JSON.stringify(REDACTED_PAYLOAD), updated_at: this.db.fn.now() });
  }
}

/** bigserial arrives as a string from pg and a number from PGlite. */
const normalize = (row: WebhookEventRow): WebhookEventRow => ({ ...row, seq: String(row.seq) });
