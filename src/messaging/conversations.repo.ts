import type { Knex } from 'knex';
import type { Db } from '../db/database';
import type {
  Attachment,
  Button,
  ChannelId,
  MessageDirection,
  MessageStatus,
  QuickReply,
} from './messaging.types';

/**
 * A stored status: the channel's statuses plus `pending`, an outbound message whose send is under
 * way (the row exists before the channel is called, so a retried send with the same key finds it).
 */
export type StoredMessageStatus = MessageStatus | 'pending';

/** `postback` and inbound `text`/`media` come from shoppers; `buttons` and `template` from us. */
export type MessageKind = 'text' | 'media' | 'buttons' | 'template' | 'postback';

export type ConversationStatus = 'open' | 'closed';

export interface ConversationRow {
  id: string;
  organization_id: string;
  channel: ChannelId;
  account_key: string;
  contact_id: string;
  contact_name: string | null;
  last_inbound_at: Date | null;
  last_activity_at: Date;
  last_read_at: Date | null;
  needs_human: boolean;
  status: ConversationStatus;
  /** bigint: a string on pg, a number on PGlite. */
  seq: string | number;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: string;
  organization_id: string;
  conversation_id: string;
  channel: ChannelId;
  direction: MessageDirection;
  status: StoredMessageStatus;
  provider_message_id: string | null;
  kind: MessageKind;
  text: string | null;
  attachments: Attachment[] | null;
  quick_replies: QuickReply[] | null;
  buttons: Button[] | null;
  template: { id: string; variables: Record<string, string> } | null;
  quick_reply_payload: string | null;
  postback: { title: string; payload: string } | null;
  error_code: string | null;
  error_message: string | null;
  idempotency_key: string | null;
  sent_by: string | null;
  seq: string | number;
  created_at: Date;
  updated_at: Date;
  status_at: Date | null;
}

/** What a new message row holds; jsonb values are stringified here (pg refuses raw JS arrays). */
export interface NewMessage {
  organizationId: string;
  conversationId: string;
  channel: ChannelId;
  direction: MessageDirection;
  status: StoredMessageStatus;
  providerMessageId?: string | null;
  kind: MessageKind;
  text?: string | null;
  attachments?: Attachment[] | null;
  quickReplies?: QuickReply[] | null;
  buttons?: Button[] | null;
  template?: { id: string; variables: Record<string, string> } | null;
  quickReplyPayload?: string | null;
  postback?: { title: string; payload: string } | null;
  idempotencyKey?: string | null;
  sentBy?: string | null;
  createdAt: Date;
}

/**
 * Statuses a new status may replace: never backwards (queued < sent < delivered < read), `failed`
 * is final, and a failure reported after delivery is ignored (the delivery is proven).
 */
export const REPLACEABLE: Record<MessageStatus, readonly StoredMessageStatus[]> = {
  received: [],
  queued: ['pending'],
  sent: ['pending', 'queued'],
  delivered: ['pending', 'queued', 'sent'],
  read: ['pending', 'queued', 'sent', 'delivered'],
  failed: ['pending', 'queued', 'sent'],
};

export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
}

/** Keyset cursors: `<epoch ms>:<seq>`, opaque to clients (base64url). */
export const encodeCursor = (at: Date, seq: string | number): string =>
  Buffer.from(`${at.getTime()}:${seq}`).toString('base64url');

export function decodeCursor(cursor: string): { at: Date; seq: string } | undefined {
  const match = /^(\d{1,15}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { at: new Date(Number(match[1])), seq: match[2]! } : undefined;
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Every statement of the conversation model; tenant rules: every read names the organization. */
export class ConversationsRepo {
  constructor(private readonly db: Db) {}

  transaction<T>(run: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(run);
  }

  /**
   * The organization's conversation with a contact on an account, created on first contact. Times
   * only move forward; a known name is kept when a later fact has none.
   */
  async upsertConversation(
    db: Knex,
    input: {
      organizationId: string;
      channel: ChannelId;
      accountKey: string;
      contactId: string;
      contactName?: string | null | undefined;
      inboundAt?: Date | undefined;
      activityAt: Date;
    },
  ): Promise<ConversationRow> {
    const inboundAt = input.inboundAt ?? null;
    const result = await db.raw(
      `INSERT INTO conversations
         (organization_id, channel, account_key, contact_id, contact_name, last_inbound_at, last_activity_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (organization_id, channel, account_key, contact_id) DO UPDATE SET
         contact_name = COALESCE(EXCLUDED.contact_name, conversations.contact_name),
         last_inbound_at = GREATEST(conversations.last_inbound_at, EXCLUDED.last_inbound_at),
         last_activity_at = GREATEST(conversations.last_activity_at, EXCLUDED.last_activity_at),
         updated_at = NOW()
       RETURNING *`,
      [
        input.organizationId,
        input.channel,
        input.accountKey,
        input.contactId,
        input.contactName ?? null,
        inboundAt,
        input.activityAt,
      ],
    );
    return (result as { rows: ConversationRow[] }).rows[0]!;
  }

  /** Inserts a message; undefined when its provider id or idempotency key is already stored. */
  async insertMessage(db: Knex, message: NewMessage): Promise<MessageRow | undefined> {
    const [row] = await db('messages')
      .insert({
        organization_id: message.organizationId,
        conversation_id: message.conversationId,
        channel: message.channel,
        direction: message.direction,
        status: message.status,
        provider_message_id: message.providerMessageId ?? null,
        kind: message.kind,
        text: message.text ?? null,
        attachments: json(message.attachments),
        quick_replies: json(message.quickReplies),
        buttons: json(message.buttons),
        template: json(message.template),
        quick_reply_payload: message.quickReplyPayload ?? null,
        postback: json(message.postback),
        idempotency_key: message.idempotencyKey ?? null,
        sent_by: message.sentBy ?? null,
        created_at: message.createdAt,
        updated_at: message.createdAt,
        status_at: message.createdAt,
      })
      // Either partial unique index (provider id, idempotency key): "already stored", no error.
      .onConflict()
      .ignore()
      .returning('*');
    return row as MessageRow | undefined;
  }

  async messageByIdempotencyKey(organizationId: string, key: string): Promise<MessageRow | undefined> {
    return (await this.db('messages')
      .where({ organization_id: organizationId, idempotency_key: key })
      .first()) as MessageRow | undefined;
  }

  async messageById(organizationId: string, id: string): Promise<MessageRow | undefined> {
    if (!UUID.test(id)) return undefined;
    return (await this.db('messages').where({ organization_id: organizationId, id }).first()) as
      MessageRow | undefined;
  }

  async messagesByIds(organizationId: string, ids: readonly string[]): Promise<MessageRow[]> {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return [];
    return (await this.db('messages')
      .where({ organization_id: organizationId })
      .whereIn('id', valid)) as MessageRow[];
  }

  /** Records what the channel answered to a send (pending → its status, with the provider's id). */
  async recordSent(
    id: string,
    result: { providerMessageId: string; status: MessageStatus },
  ): Promise<MessageRow | undefined> {
    // A status callback may have moved it already (it waits for the provider id; see ingest).
    const [row] = await this.db('messages')
      .where({ id, status: 'pending' })
      .update({
        provider_message_id: result.providerMessageId,
        status: result.status,
        status_at: new Date(),
        updated_at: new Date(),
      })
      .returning('*');
    return row as MessageRow | undefined;
  }

  async recordFailed(id: string, errorCode: string, errorMessage: string): Promise<MessageRow | undefined> {
    const [row] = await this.db('messages')
      .where({ id })
      .update({
        status: 'failed',
        error_code: errorCode,
        error_message: errorMessage,
        status_at: new Date(),
        updated_at: new Date(),
      })
      .returning('*');
    return row as MessageRow | undefined;
  }

  /** Drops a pending row the channel refused before any call: nothing was sent. */
  async deletePending(id: string): Promise<void> {
    await this.db('messages').where({ id, status: 'pending' }).delete();
  }

  /**
   * Moves one outbound message of the organization forward (see REPLACEABLE), atomically: two
   * callbacks racing cannot move it backwards. Undefined when unknown, or when nothing changed.
   */
  async advanceStatus(
    db: Knex,
    input: {
      organizationId: string;
      channel: ChannelId;
      providerMessageId: string;
      status: MessageStatus;
      errorCode?: string | null | undefined;
      errorMessage?: string | null | undefined;
      at: Date;
    },
  ): Promise<{ known: boolean; changed: MessageRow | undefined }> {
    const where = {
      organization_id: input.organizationId,
      channel: input.channel,
      provider_message_id: input.providerMessageId,
      direction: 'outbound',
    };
    const [changed] = await db('messages')
      .where(where)
      .whereIn('status', [...REPLACEABLE[input.status]])
      .update({
        status: input.status,
        status_at: input.at,
        updated_at: new Date(),
        ...(input.status === 'failed'
          ? { error_code: input.errorCode ?? null, error_message: input.errorMessage ?? null }
          : {}),
      })
      .returning('*');
    if (changed) return { known: true, changed: changed as MessageRow };
    const known = await db('messages').where(where).first('id');
    return { known: Boolean(known), changed: undefined };
  }

  /** Every outbound message of the conversation created at or before the watermark moves forward. */
  async applyWatermark(
    db: Knex,
    input: { conversationId: string; status: 'delivered' | 'read'; watermark: Date; at: Date },
  ): Promise<MessageRow[]> {
    const rows = await db('messages')
      .where({ conversation_id: input.conversationId, direction: 'outbound' })
      .where('created_at', '<=', input.watermark)
      .whereIn('status', [...REPLACEABLE[input.status]])
      .update({ status: input.status, status_at: input.at, updated_at: new Date() })
      .returning('*');
    return rows as MessageRow[];
  }

  async conversationById(organizationId: string, id: string): Promise<ConversationRow | undefined> {
    if (!UUID.test(id)) return undefined;
    return (await this.db('conversations').where({ organization_id: organizationId, id }).first()) as
      ConversationRow | undefined;
  }

  async findConversation(
    db: Knex,
    key: { organizationId: string; channel: ChannelId; accountKey: string; contactId: string },
  ): Promise<ConversationRow | undefined> {
    return (await db('conversations')
      .where({
        organization_id: key.organizationId,
        channel: key.channel,
        account_key: key.accountKey,
        contact_id: key.contactId,
      })
      .first()) as ConversationRow | undefined;
  }

  async touchActivity(conversationId: string, at: Date): Promise<void> {
    await this.db('conversations')
      .where({ id: conversationId })
      .update({
        last_activity_at: this.db.raw('GREATEST(last_activity_at, ?)', [at]),
        updated_at: new Date(),
      });
  }

  /** Marks a conversation for a person (the AI handed it over), or clears the mark. */
  async setNeedsHuman(
    organizationId: string,
    id: string,
    value: boolean,
  ): Promise<ConversationRow | undefined> {
    const [row] = await this.db('conversations')
      .where({ organization_id: organizationId, id })
      .update({ needs_human: value, updated_at: new Date() })
      .returning('*');
    return row as ConversationRow | undefined;
  }

  /** The conversation's latest `limit` messages, oldest first (what a reply is drafted from). */
  async recentMessages(organizationId: string, conversationId: string, limit: number): Promise<MessageRow[]> {
    const rows = (await this.db('messages')
      .where({ organization_id: organizationId, conversation_id: conversationId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])
      .limit(limit)) as MessageRow[];
    return rows.reverse();
  }

  async markRead(organizationId: string, id: string, at: Date): Promise<ConversationRow | undefined> {
    const [row] = await this.db('conversations')
      .where({ organization_id: organizationId, id })
      .update({ last_read_at: at, updated_at: at })
      .returning('*');
    return row as ConversationRow | undefined;
  }

  /** Newest activity first. */
  async listConversations(
    organizationId: string,
    options: { first: number; after?: string | null; channel?: ChannelId; status?: ConversationStatus },
  ): Promise<Page<ConversationRow>> {
    const query = this.db('conversations').where({ organization_id: organizationId });
    if (options.channel) query.where({ channel: options.channel });
    if (options.status) query.where({ status: options.status });
    const cursor = options.after ? decodeCursor(options.after) : undefined;
    if (cursor) {
      query.whereRaw('(last_activity_at, seq) < (?, ?)', [cursor.at, cursor.seq]);
    }
    const rows = (await query
      .orderBy([
        { column: 'last_activity_at', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])
      .limit(options.first + 1)) as ConversationRow[];
    return { rows: rows.slice(0, options.first), hasNextPage: rows.length > options.first };
  }

  /** Newest first (a chat shows the latest page first); created_at is the channel's own time. */
  async listMessages(
    organizationId: string,
    conversationId: string,
    options: { first: number; after?: string | null },
  ): Promise<Page<MessageRow>> {
    const query = this.db('messages').where({
      organization_id: organizationId,
      conversation_id: conversationId,
    });
    const cursor = options.after ? decodeCursor(options.after) : undefined;
    if (cursor) query.whereRaw('(created_at, seq) < (?, ?)', [cursor.at, cursor.seq]);
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])
      .limit(options.first + 1)) as MessageRow[];
    return { rows: rows.slice(0, options.first), hasNextPage: rows.length > options.first };
  }

  /**
   * The organization whose latest outbound message to the contact from the account was created
   * since `since` (failed sends do not count: the shopper never saw them).
   */
  async lastOutboundOrganization(input: {
    channel: ChannelId;
    accountKey: string;
    contactId: string;
    since: Date;
  }): Promise<string | null> {
    const row = (await this.db('messages as m')
      .join('conversations as c', 'c.id', 'm.conversation_id')
      .where({
        'c.channel': input.channel,
        'c.account_key': input.accountKey,
        'c.contact_id': input.contactId,
        'm.direction': 'outbound',
      })
      .whereNot('m.status', 'failed')
      .where('m.created_at', '>=', input.since)
      .orderBy([
        { column: 'm.created_at', order: 'desc' },
        { column: 'm.seq', order: 'desc' },
      ])
      .first('c.organization_id')) as { organization_id: string } | undefined;
    return row?.organization_id ?? null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
