import { forOrganization } from '../db/tenant-scope';
import { GatewayError } from '../errors/gateway-error';
import type {
  ConversationResolvers,
  MessageEventResolvers,
  MessageResolvers,
  MutationResolvers,
  OrganizationResolvers,
  ShopifyEventResolvers,
  SubscriptionResolvers,
} from '../generated/graphql';
import { encodeCursor, decodeCursor, type Page } from '../messaging/conversations.repo';
import {
  contactId as checkContactId,
  idempotencyKey as checkIdempotencyKey,
  messageTag as checkMessageTag,
  outboundContent,
} from '../messaging/message-input';
import type { ChannelId } from '../messaging/messaging.types';
import { actOn, withAuditTarget } from '../services/audit-target';
import type { GatewayContext } from '../graphql/context';

const MAX_PAGE = 100;

const channelOf = (value: string): ChannelId => value.toLowerCase() as ChannelId;
const upper = <S extends string>(value: S) => value.toUpperCase() as Uppercase<S>;

function pageSize(first: number | null | undefined): number {
  const limit = first ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
  }
  return limit;
}

function checkedCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  if (!decodeCursor(after)) throw new GatewayError('BAD_USER_INPUT', 'after is not a cursor from this list.');
  return after;
}

function connection<T extends { seq: string | number }>(
  page: Page<T>,
  at: (row: T) => Date,
  after: string | null,
) {
  const edges = page.rows.map((node) => ({ cursor: encodeCursor(at(node), node.seq), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The viewer's organization: subscriptions and mutations act on it only. */
function orgOf(context: GatewayContext): string {
  if (!context.viewer) throw context.authError ?? new GatewayError('UNAUTHENTICATED');
  return context.viewer.orgId;
}

const Organization: Pick<OrganizationResolvers, 'conversations' | 'conversation'> = {
  async conversations(org, { first, after, channel, status }, context) {
    const limit = pageSize(first);
    const cursor = checkedCursor(after);
    const page = await context.services.conversationsRepo.listConversations(org.id, {
      first: limit,
      after: cursor,
      ...(channel ? { channel: channelOf(channel) } : {}),
      ...(status ? { status: status === 'OPEN' ? 'open' : 'closed' } : {}),
    });
    return connection(page, (row) => row.last_activity_at, cursor);
  },
  // Another organization's id reads as absent, never as forbidden: ids are not confirmed to exist.
  conversation: async (org, { id }, context) =>
    (await context.services.conversationsRepo.conversationById(org.id, id)) ?? null,
};

const Conversation: ConversationResolvers = {
  id: (row) => row.id,
  channel: (row) => upper(row.channel),
  accountKey: (row) => row.account_key,
  contact: (row) => ({ id: row.contact_id, name: row.contact_name }),
  lastActivityAt: (row) => row.last_activity_at,
  lastInboundAt: (row) => row.last_inbound_at,
  lastReadAt: (row) => row.last_read_at,
  needsHuman: (row) => row.needs_human,
  status: (row) => upper(row.status),
  async messages(row, { first, after }, context) {
    const limit = pageSize(first);
    const cursor = checkedCursor(after);
    const page = await context.services.conversationsRepo.listMessages(row.organization_id, row.id, {
      first: limit,
      after: cursor,
    });
    return connection(page, (message) => message.created_at, cursor);
  },
};

const Message: MessageResolvers = {
  id: (row) => row.id,
  direction: (row) => upper(row.direction),
  status: (row) => upper(row.status),
  kind: (row) => upper(row.kind),
  text: (row) => row.text,
  attachments: (row) =>
    (row.attachments ?? []).map((a) => ({
      type: upper(a.type),
      url: a.url,
      contentType: a.contentType ?? null,
    })),
  quickReplies: (row) => row.quick_replies ?? [],
  buttons: (row) =>
    (row.buttons ?? []).map((b) => ({ title: b.title, payload: b.payload ?? null, url: b.url ?? null })),
  template: (row) =>
    row.template
      ? {
          id: row.template.id,
          variables: Object.entries(row.template.variables).map(([name, value]) => ({ name, value })),
        }
      : null,
  quickReplyPayload: (row) => row.quick_reply_payload,
  postback: (row) => row.postback,
  errorCode: (row) => row.error_code,
  errorMessage: (row) => row.error_message,
  createdAt: (row) => row.created_at,
  statusAt: (row) => row.status_at,
};

const Mutation: Pick<MutationResolvers, 'sendMessage' | 'markConversationRead'> = {
  async sendMessage(_source, { input }, context) {
    const organizationId = orgOf(context);
    const channel = input.channel ? channelOf(input.channel) : undefined;
    const target = channel ? { provider: channel } : {};
    return actOn(target, async () => {
      const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);
      const content = outboundContent(input.content);
      if (input.conversationId ? input.channel || input.contactId : !(input.channel && input.contactId)) {
        throw new GatewayError('BAD_USER_INPUT', 'Give a conversationId, or a channel and a contactId.');
      }
      const outcome = await context.services.conversations
        .send({
          organizationId,
          userId: context.viewer!.userId,
          requestId: context.requestId,
          logger: context.logger,
          idempotencyKey,
          content,
          conversationId: input.conversationId ?? null,
          channel: channel ?? null,
          contactId: input.contactId ? checkContactId(input.contactId) : null,
          messageTag: input.messageTag ? checkMessageTag(input.messageTag) : null,
        })
        .catch(async (error: unknown) => {
          // The failed message names its conversation: the audit row gets its channel and account.
          const messageId = (error as { extensions?: { messageId?: unknown } }).extensions?.messageId;
          const failed =
            typeof messageId === 'string'
              ? await context.services.conversationsRepo.messageById(organizationId, messageId)
              : undefined;
          const conversation = failed
            ? await context.services.conversationsRepo.conversationById(
                organizationId,
                failed.conversation_id,
              )
            : undefined;
          throw conversation
            ? withAuditTarget(error, { provider: conversation.channel, accountKey: conversation.account_key })
            : error;
        });
      return withAuditTarget(
        { message: outcome.message, conversation: outcome.conversation, replayed: outcome.replayed },
        { provider: outcome.conversation.channel, accountKey: outcome.accountKey },
      );
    });
  },

  async markConversationRead(_source, { conversationId }, context) {
    const organizationId = orgOf(context);
    const { conversation, accountKey } = await context.services.conversations.markRead({
      organizationId,
      conversationId,
      requestId: context.requestId,
      logger: context.logger,
    });
    return withAuditTarget({ conversation }, { provider: conversation.channel, accountKey });
  },
};

/**
 * The topic is chosen from the viewer's verified token, never from arguments: a subscriber can
 * only be handed its own organization's events.
 */
const Subscription: SubscriptionResolvers = {
  messageEvents: {
    subscribe: (_source, _args, context) => context.services.live.messageEvents(orgOf(context)),
    resolve: (payload: unknown) => payload as never,
  },
  shopifyEvents: {
    subscribe: (_source, _args, context) => context.services.live.shopifyEvents(orgOf(context)),
    resolve: (payload: unknown) => payload as never,
  },
};

const MessageEvent: MessageEventResolvers = {
  type: (event) => event.type,
  conversationId: (event) => event.conversationId,
  channel: (event) => upper(event.channel),
  // Resolved when the event arrives, outside the subscriber's request: in its organization explicitly.
  message: async (event, _args, context) =>
    (await forOrganization(orgOf(context), () =>
      context.services.conversationsRepo.messageById(orgOf(context), event.messageId),
    )) ?? null,
  at: (event) => event.at,
};

const ShopifyEvent: ShopifyEventResolvers = {
  topic: (event) => event.topic,
  webhookEventId: (event) => event.webhookEventId,
  resourceId: (event) => event.resourceId,
  adminGraphqlApiId: (event) => event.adminGraphqlApiId,
  at: (event) => event.at,
};

/** The conversation model's resolvers, joined to the core set in ./index.ts. */
export const ConversationResolverSet = {
  Organization,
  Conversation,
  Message,
  Mutation,
  Subscription,
  MessageEvent,
  ShopifyEvent,
};
