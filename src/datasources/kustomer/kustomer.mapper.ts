/**
 * Kustomer's JSON:API-style resources (`{type, id, attributes, relationships}`), as documented at
 * https://developer.kustomer.com/kustomer-api-docs/reference (customers, conversations, messages,
 * notes), turned into our schema's shapes. Models with fields fetched later carry their data source.
 */
import type { KustomerDataSource } from './kustomer.datasource';

export interface Resource<A> {
  type: string;
  id: string;
  attributes: A;
  relationships?: Record<string, { data?: { type: string; id: string } | null } | undefined>;
}

export interface RawCustomer {
  name?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  emails?: Array<{ email?: string }> | null;
  phones?: Array<{ phone?: string }> | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  lastActivityAt?: string | null;
}

export interface RawConversation {
  name?: string | null;
  status?: string | null;
  priority?: number | null;
  channels?: string[] | null;
  messageCount?: number | null;
  noteCount?: number | null;
  assignedUsers?: string[] | null;
  assignedTeams?: string[] | null;
  tags?: string[] | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface RawMessage {
  channel?: string | null;
  direction?: string | null;
  subject?: string | null;
  preview?: string | null;
  status?: string | null;
  sentAt?: string | null;
  createdAt?: string | null;
}

export interface RawNote {
  body?: string | null;
  createdAt?: string | null;
}

const relatedId = (r: Resource<unknown>, name: string) => r.relationships?.[name]?.data?.id ?? null;

export const mapCustomer = (r: Resource<RawCustomer>, source: KustomerDataSource) => ({
  source,
  id: r.id,
  name: r.attributes.name ?? null,
  displayName: r.attributes.displayName ?? null,
  externalId: r.attributes.externalId ?? null,
  emails: (r.attributes.emails ?? []).flatMap((e) => (e.email ? [e.email] : [])),
  phones: (r.attributes.phones ?? []).flatMap((p) => (p.phone ? [p.phone] : [])),
  createdAt: r.attributes.createdAt ?? null,
  updatedAt: r.attributes.updatedAt ?? null,
  lastActivityAt: r.attributes.lastActivityAt ?? null,
});
export type KustomerCustomerModel = ReturnType<typeof mapCustomer>;

export const mapConversation = (r: Resource<RawConversation>, source: KustomerDataSource) => ({
  source,
  id: r.id,
  name: r.attributes.name ?? null,
  // open, snoozed or done; upper-cased for our schema, unknown values passed through.
  status: r.attributes.status ? r.attributes.status.toUpperCase() : null,
  priority: r.attributes.priority ?? null,
  channels: r.attributes.channels ?? [],
  messageCount: r.attributes.messageCount ?? 0,
  noteCount: r.attributes.noteCount ?? 0,
  assignedUserIds: r.attributes.assignedUsers ?? [],
  assignedTeamIds: r.attributes.assignedTeams ?? [],
  tags: r.attributes.tags ?? [],
  customerId: relatedId(r, 'customer'),
  createdAt: r.attributes.createdAt ?? null,
  updatedAt: r.attributes.updatedAt ?? null,
});
export type KustomerConversationModel = ReturnType<typeof mapConversation>;

export const mapMessage = (r: Resource<RawMessage>) => ({
  id: r.id,
  channel: r.attributes.channel ?? null,
  // `in` from the customer, `out` from the business.
  direction:
    r.attributes.direction === 'in' ? 'INBOUND' : r.attributes.direction === 'out' ? 'OUTBOUND' : null,
  subject: r.attributes.subject ?? null,
  preview: r.attributes.preview ?? null,
  status: r.attributes.status ?? null,
  sentAt: r.attributes.sentAt ?? null,
  createdAt: r.attributes.createdAt ?? null,
  conversationId: relatedId(r, 'conversation'),
});
export type KustomerMessageModel = ReturnType<typeof mapMessage>;

export const mapNote = (r: Resource<RawNote>) => ({
  id: r.id,
  body: r.attributes.body ?? '',
  customerId: relatedId(r, 'customer'),
  conversationId: relatedId(r, 'conversation'),
  createdAt: r.attributes.createdAt ?? null,
});
export type KustomerNoteModel = ReturnType<typeof mapNote>;
