/**
 * Kustomer's JSON:API-style resources (`{type, id, attributes, relationships}`), as documented at
 * https://developer.kustomer.com/kustomer-api-docs/reference (customers, conversations, messages,
 * notes), turned into our schema's shapes: plain data (fields fetched later ask the data source the
 * GraphQL context remembers for the model).
 * Kustomer publishes no machine-readable contract: every attribute is read as optional and of any
 * type (`v` turns what does not fit into null with a warning), and `attributes` itself may be absent.
 */
import type { ProviderValues } from '../provider-values';

export interface Resource<A> {
  type: string;
  id: string;
  attributes?: A | null;
  relationships?: Record<string, { data?: { type?: string; id?: unknown } | null } | null | undefined> | null;
}

export interface RawCustomer {
  name?: unknown;
  displayName?: unknown;
  externalId?: unknown;
  emails?: unknown;
  phones?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
  lastActivityAt?: unknown;
}

export interface RawConversation {
  name?: unknown;
  status?: unknown;
  priority?: unknown;
  channels?: unknown;
  messageCount?: unknown;
  noteCount?: unknown;
  assignedUsers?: unknown;
  assignedTeams?: unknown;
  tags?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
}

export interface RawMessage {
  channel?: unknown;
  direction?: unknown;
  subject?: unknown;
  preview?: unknown;
  status?: unknown;
  sentAt?: unknown;
  createdAt?: unknown;
}

export interface RawNote {
  body?: unknown;
  createdAt?: unknown;
}

const relatedId = (r: Resource<unknown>, kind: string, name: string, v: ProviderValues) =>
  v.string(r.relationships?.[name]?.data?.id, `${kind}.relationships.${name}`);

export const mapCustomer = (r: Resource<RawCustomer>, v: ProviderValues) => {
  const a = v.object<RawCustomer>(r.attributes, 'customer.attributes');
  return {
    id: r.id,
    name: v.string(a.name, 'customer.name'),
    displayName: v.string(a.displayName, 'customer.displayName'),
    externalId: v.string(a.externalId, 'customer.externalId'),
    emails: v
      .objects<{ email?: unknown }>(a.emails, 'customer.emails')
      .flatMap((e) => v.string(e.email, 'customer.emails.email') ?? []),
    phones: v
      .objects<{ phone?: unknown }>(a.phones, 'customer.phones')
      .flatMap((p) => v.string(p.phone, 'customer.phones.phone') ?? []),
    createdAt: v.date(a.createdAt, 'customer.createdAt'),
    updatedAt: v.date(a.updatedAt, 'customer.updatedAt'),
    lastActivityAt: v.date(a.lastActivityAt, 'customer.lastActivityAt'),
  };
};
export type KustomerCustomerModel = ReturnType<typeof mapCustomer>;

export const mapConversation = (r: Resource<RawConversation>, v: ProviderValues) => {
  const a = v.object<RawConversation>(r.attributes, 'conversation.attributes');
  return {
    id: r.id,
    name: v.string(a.name, 'conversation.name'),
    // open, snoozed or done; upper-cased for our schema, unknown values passed through.
    status: v.string(a.status, 'conversation.status')?.toUpperCase() || null,
    priority: v.int(a.priority, 'conversation.priority'),
    channels: v.strings(a.channels, 'conversation.channels'),
    messageCount: v.int(a.messageCount, 'conversation.messageCount') ?? 0,
    noteCount: v.int(a.noteCount, 'conversation.noteCount') ?? 0,
    assignedUserIds: v.strings(a.assignedUsers, 'conversation.assignedUsers'),
    assignedTeamIds: v.strings(a.assignedTeams, 'conversation.assignedTeams'),
    tags: v.strings(a.tags, 'conversation.tags'),
    customerId: relatedId(r, 'conversation', 'customer', v),
    createdAt: v.date(a.createdAt, 'conversation.createdAt'),
    updatedAt: v.date(a.updatedAt, 'conversation.updatedAt'),
  };
};
export type KustomerConversationModel = ReturnType<typeof mapConversation>;

const DIRECTIONS = { in: 'INBOUND', out: 'OUTBOUND' } as const;

export const mapMessage = (r: Resource<RawMessage>, v: ProviderValues) => {
  const a = v.object<RawMessage>(r.attributes, 'message.attributes');
  // `in` from the customer, `out` from the business; anything else is not a direction we know.
  const direction = v.oneOf(a.direction, ['in', 'out'] as const, 'message.direction', null);
  return {
    id: r.id,
    channel: v.string(a.channel, 'message.channel'),
    direction: direction ? DIRECTIONS[direction] : null,
    subject: v.string(a.subject, 'message.subject'),
    preview: v.string(a.preview, 'message.preview'),
    status: v.string(a.status, 'message.status'),
    sentAt: v.date(a.sentAt, 'message.sentAt'),
    createdAt: v.date(a.createdAt, 'message.createdAt'),
    conversationId: relatedId(r, 'message', 'conversation', v),
  };
};
export type KustomerMessageModel = ReturnType<typeof mapMessage>;

export const mapNote = (r: Resource<RawNote>, v: ProviderValues) => {
  const a = v.object<RawNote>(r.attributes, 'note.attributes');
  return {
    id: r.id,
    body: v.string(a.body, 'note.body') ?? '',
    customerId: relatedId(r, 'note', 'customer', v),
    conversationId: relatedId(r, 'note', 'conversation', v),
    createdAt: v.date(a.createdAt, 'note.createdAt'),
  };
};
export type KustomerNoteModel = ReturnType<typeof mapNote>;
