import type { IntegrationsRepo } from '../db/integrations.repo';
import { GatewayError, isGatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { ProviderRuntime } from '../services/provider-runtime';
import type { ConversationRow, ConversationsRepo, MessageKind, MessageRow } from './conversations.repo';
import type { LiveEvents, MessageEventModel } from './live-events';
import type { ChannelId, InboundFact, OutboundContent, SendContext } from './messaging.types';

export interface IngestInput {
  organizationId: string;
  channel: ChannelId;
  accountKey: string;
  fact: InboundFact;
}

export type InboundListener = (event: {
  organizationId: string;
  channel: ChannelId;
  conversationId: string;
  messageId: string;
}) => Promise<void>;

/** Who sends, what, where; `conversationId` or (`channel` + `contactId`) to start one. */
export interface SendInput {
  organizationId: string;
  /** The user id of the sender (the token's subject), stored on the message. */
  userId: string;
  requestId: string;
  logger: Logger;
  idempotencyKey: string;
  content: OutboundContent;
  conversationId?: string | null | undefined;
  channel?: ChannelId | null | undefined;
  contactId?: string | null | undefined;
  messageTag?: string | null | undefined;
}

export interface SendOutcome {
  message: MessageRow;
  conversation: ConversationRow;
  /** The account the message went out from (the audit target). */
  accountKey: string;
  /** True when a message with the same idempotency key already existed: nothing was sent now. */
  replayed: boolean;
}

/**
 * The conversation model's one entry point: channels' webhook handlers ingest facts, GraphQL sends
 * and marks read. Every event is published after its write committed.
 */
export class ConversationsService {
  private inboundListener: InboundListener | undefined;
  private sentListener: ((organizationId: string) => Promise<void>) | undefined;

  constructor(
    private readonly repo: ConversationsRepo,
    private readonly integrations: IntegrationsRepo,
    /** The provider runtime; a narrow type so tests can hand a fake channel. */
    private readonly runtime: Pick<ProviderRuntime, 'messagingChannelFor'>,
    private readonly live: LiveEvents,
  ) {}

  /**
   * Stores one inbound fact of an organization's account. Idempotent: a message already stored
   * (same channel and provider id) changes nothing; statuses never move backwards and `failed` is
   * final. A status for a message not stored yet (its callback overtook the send's answer) throws
   * NOT_FOUND, so the inbox retries it with backoff.
   */
  async ingest(input: IngestInput): Promise<void> {
    const events = await this.repo.transaction(async (trx): Promise<MessageEventModel[]> => {
      const { fact, organizationId, channel, accountKey } = input;
      const event = (type: MessageEventModel['type'], message: MessageRow): MessageEventModel => ({
        type,
        organizationId,
        conversationId: message.conversation_id,
        messageId: message.id,
        channel,
        at: new Date().toISOString(),
      });
      switch (fact.type) {
        case 'message': {
          const conversation = await this.repo.upsertConversation(trx, {
            organizationId,
            channel,
            accountKey,
            contactId: fact.contactId,
            contactName: fact.contactName,
            inboundAt: fact.at,
            activityAt: fact.at,
          });
          const attachments = fact.attachments?.length ? fact.attachments : null;
          const kind: MessageKind = fact.postback ? 'postback' : !fact.text && attachments ? 'media' : 'text';
          const message = await this.repo.insertMessage(trx, {
            organizationId,
            conversationId: conversation.id,
            channel,
            direction: 'inbound',
            status: 'received',
            providerMessageId: fact.providerMessageId,
            kind,
            text: fact.text ?? null,
            attachments,
            quickReplyPayload: fact.quickReplyPayload ?? null,
            postback: fact.postback ?? null,
            createdAt: fact.at,
          });
          return message ? [event('MESSAGE_RECEIVED', message)] : [];
        }
        case 'status': {
          const { known, changed } = await this.repo.advanceStatus(trx, {
            organizationId,
            channel,
            providerMessageId: fact.providerMessageId,
            status: fact.status,
            errorCode: fact.errorCode,
            errorMessage: fact.errorMessage,
            at: fact.at,
          });
          if (!known) {
            throw new GatewayError('NOT_FOUND', 'The message this status is about is not stored (yet).');
          }
          return changed ? [event('STATUS_CHANGED', changed)] : [];
        }
        case 'watermark': {
          const conversation = await this.repo.findConversation(trx, {
            organizationId,
            channel,
            accountKey,
            contactId: fact.contactId,
          });
          if (!conversation) return [];
          const changed = await this.repo.applyWatermark(trx, {
            conversationId: conversation.id,
            status: fact.status,
            watermark: fact.watermark,
            at: fact.at,
          });
          return changed.map((message) => event('STATUS_CHANGED', message));
        }
        default: {
          const unknown: never = fact;
          throw new Error(`unknown inbound fact ${(unknown as { type: string }).type}`);
        }
      }
    });
    for (const event of events) await this.live.publishMessage(event);
    if (this.inboundListener) {
      for (const event of events) {
        if (event.type !== 'MESSAGE_RECEIVED') continue;
        // After commit; the listener (automatic replies) logs its own failures: ingest never fails for it.
        await this.inboundListener({
          organizationId: event.organizationId,
          channel: event.channel,
          conversationId: event.conversationId,
          messageId: event.messageId,
        }).catch(() => undefined);
      }
    }
  }

  /** Told of every newly stored inbound message, after its commit (automatic replies; set in app.ts). */
  setInboundListener(listener: InboundListener | undefined): void {
    this.inboundListener = listener;
  }

  /** Told after each message the channel accepted (usage reporting; set in src/billing/billing-usage.ts). */
  setSentListener(listener: ((organizationId: string) => Promise<void>) | undefined): void {
    this.sentListener = listener;
  }

  /**
   * For a shared account (WhatsApp's shared number): the organization that last wrote to the
   * contact from that account since `since`, or null (then the reply is stored unrouted).
   */
  lastOutboundOrganization(input: {
    channel: ChannelId;
    accountKey: string;
    contactId: string;
    since: Date;
  }): Promise<string | null> {
    return this.repo.lastOutboundOrganization(input);
  }

  /**
   * Sends once per idempotency key: the pending row is inserted first under the unique
   * (organization, key), so a retry or a concurrent twin finds it and returns it without calling
   * the channel. A channel's refusal before any call (BAD_USER_INPUT) leaves no row; any other
   * failure is stored as `failed` with its code and thrown.
   */
  async send(input: SendInput): Promise<SendOutcome> {
    const existing = await this.repo.messageByIdempotencyKey(input.organizationId, input.idempotencyKey);
    if (existing) return this.replayOf(input.organizationId, existing);

    const conversationKnown = input.conversationId
      ? await this.repo.conversationById(input.organizationId, input.conversationId)
      : undefined;
    if (input.conversationId && !conversationKnown) {
      throw new GatewayError('NOT_FOUND', 'No such conversation.');
    }
    const channel = conversationKnown?.channel ?? input.channel;
    const givenContactId = conversationKnown?.contact_id ?? input.contactId;
    if (!channel || !givenContactId) {
      throw new GatewayError('BAD_USER_INPUT', 'Give a conversationId, or a channel and a contactId.');
    }
    const rows = await this.integrations.listForOrganization(input.organizationId);
    const row = rows.find((r) => r.provider === channel && r.status !== 'disconnected');
    const target = this.runtime.messagingChannelFor(input.organizationId, channel, row, input.logger);
    const contactId = conversationKnown
      ? givenContactId
      : (target.channel.normalizeContactId?.(givenContactId) ?? givenContactId);
    if (conversationKnown && conversationKnown.account_key !== target.accountKey) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        'This conversation belongs to an account the organization no longer sends from; start a new one with channel and contactId.',
      );
    }

    const now = new Date();
    const inserted = await this.repo.transaction(async (trx) => {
      const conversation =
        conversationKnown ??
        (await this.repo.upsertConversation(trx, {
          organizationId: input.organizationId,
          channel,
          accountKey: target.accountKey,
          contactId,
          activityAt: now,
        }));
      const message = await this.repo.insertMessage(trx, {
        organizationId: input.organizationId,
        conversationId: conversation.id,
        channel,
        direction: 'outbound',
        status: 'pending',
        ...storedContent(input.content),
        idempotencyKey: input.idempotencyKey,
        sentBy: input.userId,
        createdAt: now,
      });
      return message ? { conversation, message } : undefined;
    });
    if (!inserted) {
      // A concurrent twin with the same key won the insert: answer with its message.
      const twin = await this.repo.messageByIdempotencyKey(input.organizationId, input.idempotencyKey);
      if (!twin) throw new Error('idempotency conflict without a stored message');
      return this.replayOf(input.organizationId, twin);
    }
    const { conversation, message } = inserted;
    const context: SendContext = {
      organizationId: input.organizationId,
      accountKey: target.accountKey,
      contactId,
      lastInboundAt: conversation.last_inbound_at,
      messageTag: input.messageTag ?? null,
      requestId: input.requestId,
    };
    try {
      const result = await target.channel.send(input.content, context);
      const sent = (await this.repo.recordSent(message.id, result)) ?? (await this.reread(input, message));
      await this.repo.touchActivity(conversation.id, now);
      await this.live.publishMessage(messageEvent('MESSAGE_SENT', sent));
      // A message sent is billed usage: usage reporting batches it to Stripe; never a send failure.
      await this.sentListener?.(input.organizationId).catch(() => undefined);
      return { message: sent, conversation, accountKey: target.accountKey, replayed: false };
    } catch (error) {
      if (isGatewayError(error) && error.code === 'BAD_USER_INPUT') {
        // Refused before any call: nothing went out, so nothing is kept and the key is free again.
        await this.repo.deletePending(message.id);
        throw error;
      }
      const failure = isGatewayError(error) ? error : new GatewayError('INTERNAL_SERVER_ERROR');
      if (!isGatewayError(error)) input.logger.error({ err: error, messageId: message.id }, 'send failed');
      const failed = await this.repo.recordFailed(message.id, failure.code, failure.message);
      if (failed) await this.live.publishMessage(messageEvent('STATUS_CHANGED', failed));
      throw new GatewayError(failure.code, failure.message, {
        details: failure.details,
        extensions: { ...failure.extensions, messageId: message.id },
      });
    }
  }

  /**
   * Records that the organization read the conversation up to now, then tells the channel when it
   * has sender actions (Messenger's `mark_seen`). The channel call is best effort: the read state
   * is the organization's own, and a failure is logged.
   */
  async markRead(input: {
    organizationId: string;
    conversationId: string;
    requestId: string;
    logger: Logger;
  }): Promise<{ conversation: ConversationRow; accountKey: string }> {
    const conversation = await this.repo.markRead(input.organizationId, input.conversationId, new Date());
    if (!conversation) throw new GatewayError('NOT_FOUND', 'No such conversation.');
    try {
      const rows = await this.integrations.listForOrganization(input.organizationId);
      const row = rows.find((r) => r.provider === conversation.channel && r.status !== 'disconnected');
      const target = this.runtime.messagingChannelFor(
        input.organizationId,
        conversation.channel,
        row,
        input.logger,
      );
      if (target.channel.senderAction && target.accountKey === conversation.account_key) {
        await target.channel.senderAction('mark_seen', {
          organizationId: input.organizationId,
          accountKey: conversation.account_key,
          contactId: conversation.contact_id,
          lastInboundAt: conversation.last_inbound_at,
          requestId: input.requestId,
        });
      }
    } catch (error) {
      input.logger.warn(
        { err: error, conversationId: conversation.id, code: isGatewayError(error) ? error.code : undefined },
        'mark_seen not sent',
      );
    }
    return { conversation, accountKey: conversation.account_key };
  }

  private async replayOf(organizationId: string, message: MessageRow): Promise<SendOutcome> {
    const conversation = await this.repo.conversationById(organizationId, message.conversation_id);
    if (!conversation) throw new GatewayError('NOT_FOUND', 'No such conversation.');
    return { message, conversation, accountKey: conversation.account_key, replayed: true };
  }

  private async reread(input: SendInput, message: MessageRow): Promise<MessageRow> {
    return (await this.repo.messageById(input.organizationId, message.id)) ?? message;
  }
}

const messageEvent = (type: MessageEventModel['type'], message: MessageRow): MessageEventModel => ({
  type,
  organizationId: message.organization_id,
  conversationId: message.conversation_id,
  messageId: message.id,
  channel: message.channel,
  at: new Date().toISOString(),
});

/** The columns an outbound content fills. */
function storedContent(content: OutboundContent) {
  switch (content.kind) {
    case 'text':
      return { kind: 'text' as const, text: content.text, quickReplies: content.quickReplies ?? null };
    case 'media':
      return { kind: 'media' as const, text: content.text ?? null, attachments: [content.attachment] };
    case 'buttons':
      return { kind: 'buttons' as const, text: content.text, buttons: content.buttons };
    case 'template':
      return {
        kind: 'template' as const,
        template: { id: content.templateId, variables: content.variables },
      };
  }
}
