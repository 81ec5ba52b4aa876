import { holdsAccount, type IntegrationsRepo } from '../db/integrations.repo';
import type { ShopifyDataSource } from '../datasources/shopify/shopify.datasource';
import { GatewayError, isGatewayError } from '../errors/gateway-error';
import type { ConversationRow, ConversationsRepo } from '../messaging/conversations.repo';
import type { ChannelId } from '../messaging/messaging.types';
import type { Logger } from '../observability/logger';
import type { ProviderRuntime } from '../services/provider-runtime';
import type { AiCompleteInput, AiCompletion, AiMessage, AiSettings } from './ai.types';
import { asksForPerson, messageText } from './handover';
import { runTool, toolsFor } from './shopify-tools';

/** The part of AiService drafting needs (a narrow type: tests and the job hand the same service). */
export interface AiCompleter {
  settings(organizationId: string): Promise<AiSettings>;
  complete(input: AiCompleteInput): Promise<AiCompletion>;
}

export interface DraftResult {
  /** The reply to send or edit; null on a handover. */
  text: string | null;
  handover: boolean;
  reason: string | null;
  /** Summed over every completion of the draft; `model` is the one that answered last. */
  usage: { inputTokens: number; outputTokens: number; model: string };
}

/** Messages the model sees: enough context for a support exchange, bounded in tokens. */
const HISTORY = 20;
/** Model calls per draft: a question, a tool or two, the answer. */
const MAX_ROUNDS = 4;

/** What each channel allows, said to the model (the channel enforces it again when sending). */
const CHANNEL_RULES: Record<ChannelId, string> = {
  messenger:
    'The conversation is on Facebook Messenger: plain text only (no Markdown), at most 2000 characters, short paragraphs.',
  whatsapp:
    'The conversation is on WhatsApp: plain text, at most 1600 characters; *bold* is the only formatting WhatsApp shows.',
};

export function systemPrompt(settings: AiSettings, channel: ChannelId, shopifyConnected: boolean): string {
  return [
    "You are the customer-support assistant of a business, replying to a shopper on the business's behalf.",
    settings.instructions.trim()
      ? `The business's instructions (tone, what it sells, what never to promise):\n${settings.instructions.trim()}`
      : '',
    CHANNEL_RULES[channel],
    shopifyConnected
      ? "Facts about orders, tracking and stock come only from the tools order_status and product_availability; quote tracking numbers and links exactly as a tool returned them. Never invent an order's status, a tracking number, a price or stock."
      : 'You have no access to orders or stock: never state an order status, a tracking number, a price or stock.',
    'When you are not sure of the answer, or the shopper asks for a person, call handover_to_human instead of replying.',
    'Answer with the reply text only, in the language the shopper wrote in.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * Drafts a reply to a conversation: its recent messages, the organization's instructions and, when
 * Shopify is connected, facts fetched by tools the model calls. Nothing is sent here.
 */
export class ReplyDrafter {
  constructor(
    private readonly ai: AiCompleter,
    private readonly repo: ConversationsRepo,
    private readonly integrations: IntegrationsRepo,
    private readonly runtime: Pick<ProviderRuntime, 'dataSourceFor'>,
  ) {}

  async draftReply(input: {
    organizationId: string;
    conversationId: string;
    requestId: string;
    logger: Logger;
  }): Promise<DraftResult & { conversation: ConversationRow }> {
    const conversation = await this.repo.conversationById(input.organizationId, input.conversationId);
    if (!conversation) throw new GatewayError('NOT_FOUND', 'No such conversation.');
    const history = await this.repo.recentMessages(input.organizationId, conversation.id, HISTORY);
    const usage = { inputTokens: 0, outputTokens: 0, model: '' };

    const lastInbound = [...history].reverse().find((m) => m.direction === 'inbound');
    if (lastInbound && history.at(-1) === lastInbound && asksForPerson(lastInbound.text)) {
      // The shopper asked for a person: no model call, no tokens.
      return { conversation, text: null, handover: true, reason: 'The shopper asked for a person.', usage };
    }

    const settings = await this.ai.settings(input.organizationId);
    const shopify = await this.shopifyOf(input.organizationId, input.logger);
    const tools = toolsFor(shopify);
    const messages: AiMessage[] = [
      { role: 'system', content: systemPrompt(settings, conversation.channel, Boolean(shopify)) },
      ...history
        .filter((m) => m.direction === 'inbound' || m.status !== 'failed')
        .map((m): AiMessage => ({
          role: m.direction === 'inbound' ? 'user' : 'assistant',
          content: messageText(m),
        })),
    ];

    for (let round = 0; round < MAX_ROUNDS; round++) {
      const completion = await this.ai.complete({
        organizationId: input.organizationId,
        conversationId: conversation.id,
        requestId: input.requestId,
        logger: input.logger,
        messages,
        tools,
      });
      usage.inputTokens += completion.usage.inputTokens;
      usage.outputTokens += completion.usage.outputTokens;
      usage.model = completion.model;
      const { content, toolCalls } = completion.message;
      if (toolCalls.length === 0) {
        const text = content?.trim() ?? '';
        if (!text)
          return { conversation, text: null, handover: true, reason: 'The assistant gave no answer.', usage };
        return { conversation, text, handover: false, reason: null, usage };
      }
      messages.push({ role: 'assistant', content, toolCalls });
      for (const call of toolCalls) {
        const outcome = await runTool(call, { shopify, logger: input.logger });
        if (outcome.kind === 'handover') {
          return { conversation, text: null, handover: true, reason: outcome.reason, usage };
        }
        messages.push({ role: 'tool', toolCallId: call.id, content: outcome.content });
      }
    }
    return {
      conversation,
      text: null,
      handover: true,
      reason: `The assistant did not settle on an answer in ${MAX_ROUNDS} steps.`,
      usage,
    };
  }

  /** The organization's connected Shopify, or undefined (then the model gets no Shopify tools). */
  private async shopifyOf(organizationId: string, logger: Logger): Promise<ShopifyDataSource | undefined> {
    const rows = await this.integrations.listForOrganization(organizationId);
    const row = rows.find((r) => r.provider === 'shopify' && holdsAccount(r));
    if (!row) return undefined;
    try {
      return this.runtime.dataSourceFor(
        row as typeof row & { provider: 'shopify' },
        logger,
      ) as ShopifyDataSource;
    } catch (error) {
      logger.warn(
        { code: isGatewayError(error) ? error.code : undefined },
        'Shopify not usable for AI tools',
      );
      return undefined;
    }
  }
}
