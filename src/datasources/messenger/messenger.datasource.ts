import { GatewayError } from '../../errors/gateway-error';
import type {
  MessagingChannel,
  OutboundContent,
  SendContext,
  SendResult,
} from '../../messaging/messaging.types';
import type { MessengerClient } from './messenger.client';
import { messageBody, messagingType, recipient } from './messenger.send';

interface SendAnswer {
  recipient_id?: unknown;
  message_id?: unknown;
}

/**
 * One organization's Facebook Page, for one request: the Send API and sender actions as a
 * MessagingChannel, and the connection test.
 */
export class MessengerDataSource implements MessagingChannel {
  readonly channel = 'messenger' as const;

  constructor(
    private readonly client: MessengerClient,
    private readonly pageId: string,
  ) {}

  /** `POST /{page-id}/messages` (reference/send-api); every rule is checked before the call. */
  async send(content: OutboundContent, context: SendContext): Promise<SendResult> {
    const body = {
      recipient: recipient(context.contactId),
      ...messagingType(context),
      message: messageBody(content),
    };
    const answer = await this.client.asPage<SendAnswer>('POST', this.client.path(`${this.pageId}/messages`), {
      body,
      // A send that timed out may have been delivered: never sent twice by a retry.
      idempotent: false,
    });
    if (typeof answer.message_id !== 'string' || answer.message_id === '')
      throw new GatewayError('UPSTREAM_ERROR', 'Facebook accepted the message but returned no message id.');
    return { providerMessageId: answer.message_id, status: 'sent' };
  }

  /** `sender_action` (send-messages/sender-actions): seen, or the typing bubble. */
  async senderAction(action: 'mark_seen' | 'typing_on' | 'typing_off', context: SendContext): Promise<void> {
    await this.client.asPage('POST', this.client.path(`${this.pageId}/messages`), {
      body: { recipient: recipient(context.contactId), sender_action: action },
      idempotent: true,
    });
  }

  /**
   * testIntegration: the Page's token (looked up with the platform's token) and `GET /{page-id}`
   * with it prove the platform can act for this Page.
   */
  async ping(): Promise<{ id: string; name: string | null }> {
    const page = await this.client.asPage<{ id?: unknown; name?: unknown }>(
      'GET',
      this.client.path(this.pageId),
      {
        query: { fields: 'id,name' },
      },
    );
    if (page.id !== this.pageId)
      throw new GatewayError('UPSTREAM_ERROR', `Facebook did not answer for the Page ${this.pageId}.`);
    return { id: this.pageId, name: typeof page.name === 'string' ? page.name : null };
  }
}
