import { z } from 'zod';
import { holdsAccount, type IntegrationsRepo } from '../db/integrations.repo';
import type { KustomerDataSource } from '../datasources/kustomer/kustomer.datasource';
import { isGatewayError } from '../errors/gateway-error';
import type { ConversationRow, ConversationsRepo, MessageRow } from '../messaging/conversations.repo';
import type { Logger } from '../observability/logger';
import type { ProviderRuntime } from '../services/provider-runtime';
import type { AiTool } from './ai.types';

/**
 * Handing a conversation to a person: the model calls `handover_to_human` when it is unsure, or the
 * shopper asks for a person. No reply is sent; the conversation is marked `needs_human`, and when
 * the organization's Kustomer is connected a Kustomer conversation carries the transcript.
 */

export const HANDOVER_TOOL: AiTool = {
  name: 'handover_to_human',
  description:
    'Hand the conversation to a person of the business instead of replying: call it when you are not sure of the answer, when the facts you need are not available, or when the shopper asks for a person.',
  parameters: {
    type: 'object',
    properties: {
      reason: { type: 'string', description: 'Why a person should take over, in one sentence.' },
    },
    required: ['reason'],
    additionalProperties: false,
  },
};

export const handoverArgs = z.strictObject({ reason: z.string().trim().min(1).max(500) });

/**
 * A shopper asking for a person, in words the model need not interpret (no tokens spent on it):
 * "I want a human", "can I talk to a real person", "agent please", "representative".
 */
const ASKS_FOR_PERSON = new RegExp(
  [
    String.raw`\b(?:talk|speak|chat|connect me)\s+(?:to|with)\s+(?:a |an |some )?(?:human|person|agent|representative|someone|somebody|real person)\b`,
    String.raw`\b(?:want|need|get me)\s+(?:a |an )?(?:human|real person|live agent|agent|representative)\b`,
    String.raw`\b(?:real person|live agent|human agent|human please|agent please)\b`,
  ].join('|'),
  'i',
);

export const asksForPerson = (text: string | null | undefined): boolean =>
  Boolean(text && ASKS_FOR_PERSON.test(text));

/** Kustomer's note limit (see KustomerDataSource.addNote). */
const MAX_NOTE = 10_000;

export interface HandoverResult {
  conversation: ConversationRow;
  /** The Kustomer conversation created with the transcript, when Kustomer is connected. */
  kustomerConversationId: string | null;
}

export class Handover {
  constructor(
    private readonly repo: ConversationsRepo,
    private readonly integrations: IntegrationsRepo,
    private readonly runtime: Pick<ProviderRuntime, 'dataSourceFor'>,
  ) {}

  async handOver(input: {
    organizationId: string;
    conversationId: string;
    reason: string;
    logger: Logger;
  }): Promise<HandoverResult | undefined> {
    const conversation = await this.repo.setNeedsHuman(input.organizationId, input.conversationId, true);
    if (!conversation) return undefined;
    input.logger.info({ conversationId: conversation.id, channel: conversation.channel }, 'AI handed over');
    const kustomerConversationId = await this.toKustomer(conversation, input.reason, input.logger);
    return { conversation, kustomerConversationId };
  }

  /**
   * Best effort: the handover itself (needs_human) is done; Kustomer failing must not make the job
   * retry (a retry could open a second Kustomer conversation). Failures are logged with their code.
   */
  private async toKustomer(
    conversation: ConversationRow,
    reason: string,
    logger: Logger,
  ): Promise<string | null> {
    const rows = await this.integrations.listForOrganization(conversation.organization_id);
    const row = rows.find((r) => r.provider === 'kustomer' && holdsAccount(r));
    if (!row) return null;
    try {
      const kustomer = this.runtime.dataSourceFor(
        row as typeof row & { provider: 'kustomer' },
        logger,
      ) as KustomerDataSource;
      // Kustomer's API (as the data source supports it) finds a customer by email or phone; it
      // cannot create one here. A WhatsApp contact is a phone number; a Messenger PSID is neither.
      const phone =
        conversation.channel === 'whatsapp' ? conversation.contact_id.replace(/^whatsapp:/, '') : null;
      const customer = phone ? await kustomer.customer({ phone }) : null;
      if (!customer) {
        logger.info(
          { conversationId: conversation.id, channel: conversation.channel },
          'handover: no Kustomer customer for this contact; no Kustomer conversation created',
        );
        return null;
      }
      const created = await kustomer.createConversation({
        customerId: customer.id,
        name: `${conversation.channel === 'whatsapp' ? 'WhatsApp' : 'Messenger'} conversation handed over by the AI`,
      });
      const messages = await this.repo.recentMessages(conversation.organization_id, conversation.id, 50);
      await kustomer.addNote({ conversationId: created.id, body: transcript(messages, reason) });
      logger.info(
        { conversationId: conversation.id, kustomerConversationId: created.id },
        'handover: Kustomer conversation created',
      );
      return created.id;
    } catch (error) {
      logger.warn(
        {
          conversationId: conversation.id,
          code: isGatewayError(error) ? error.code : undefined,
          err: isGatewayError(error) ? undefined : error,
        },
        'handover: Kustomer conversation not created',
      );
      return null;
    }
  }
}

/** The transcript a person reads in Kustomer: oldest first, the newest kept when it is long. */
export function transcript(messages: readonly MessageRow[], reason: string): string {
  const head = `Handed over by the AI assistant. Reason: ${reason}\n\n`;
  const lines = messages.map(
    (m) =>
      `[${m.created_at.toISOString()}] ${m.direction === 'inbound' ? 'Shopper' : 'Business'}: ${messageText(m)}`,
  );
  let body = lines.join('\n');
  const room = MAX_NOTE - head.length;
  if (body.length > room) body = `…${body.slice(body.length - room + 1)}`;
  // Kustomer refuses control characters other than tabs and line breaks in a note.
  // eslint-disable-next-line no-control-regex
  return (head + body).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
}

/** A message as text for the model or a transcript. */
export function messageText(m: MessageRow): string {
  if (m.text) return m.text;
  if (m.postback) return `[pressed "${m.postback.title}"]`;
  if (m.attachments?.length) return `[${m.attachments.map((a) => a.type).join(', ')}]`;
  if (m.template) return `[template ${m.template.id}]`;
  return '[no text]';
}
