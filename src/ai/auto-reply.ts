import { z } from 'zod';
import { isGatewayError } from '../errors/gateway-error';
import type { JobQueue } from '../jobs/job-queue';
import type { JobContext, JobRunner } from '../jobs/job-runner';
import type { ConversationsRepo } from '../messaging/conversations.repo';
import type { ConversationsService } from '../messaging/conversations.service';
import type { ChannelId } from '../messaging/messaging.types';
import type { Logger } from '../observability/logger';
import type { AiCompleter, ReplyDrafter } from './draft-reply';
import type { Handover } from './handover';

export const AI_REPLY_QUEUE = 'ai-reply';

/** Draft failures that a retry would not change. */
const NO_RETRY = new Set<string>([
  'RATE_LIMITED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'PROVIDER_NOT_CONFIGURED',
  'NOT_FOUND',
]);

/** Who an automatic reply is "sent by" on the message row (a person's messages carry their user id). */
export const AI_SENDER = 'ai';

/** What the inbox tells us after an inbound message was committed. */
export interface InboundEvent {
  organizationId: string;
  channel: ChannelId;
  conversationId: string;
  messageId: string;
}

const payloadSchema = z.strictObject({
  organizationId: z.uuid(),
  conversationId: z.uuid(),
});

/**
 * Automatic replies, off by default, per channel (AiSettings.autoReplyChannels). An inbound message
 * enqueues one job per conversation (singleton key: a burst of messages waiting together gets one
 * reply to the latest); the job drafts and sends through ConversationsService with the key
 * `ai:<inbound message id>`, so a retried job never sends twice, and within the channel's rules: a
 * channel's refusal (outside Messenger's 24-hour window or WhatsApp's customer-care window) means
 * "no reply", not a failure. A handover sends nothing and marks the conversation for a person.
 */
export class AutoReplies {
  constructor(
    private readonly deps: {
      ai: Pick<AiCompleter, 'settings'>;
      drafter: ReplyDrafter;
      handover: Handover;
      conversations: ConversationsService;
      repo: ConversationsRepo;
      jobs: JobQueue;
      jobRunner: JobRunner;
      logger: Logger;
      /** Waits this long before drafting, so a burst of messages is answered once (0 in tests). */
      delayMs: number;
    },
  ) {}

  register(): void {
    this.deps.jobRunner.register(AI_REPLY_QUEUE, (payload, job) => this.run(payload, job));
  }

  /** Called after an inbound message is stored (ConversationsService.ingest, after commit). */
  async onInbound(event: InboundEvent): Promise<void> {
    try {
      const settings = await this.deps.ai.settings(event.organizationId);
      if (!settings.enabled || !settings.autoReplyChannels.includes(event.channel)) return;
      const id = await this.deps.jobs.enqueue(
        AI_REPLY_QUEUE,
        { organizationId: event.organizationId, conversationId: event.conversationId },
        { singletonKey: `${event.organizationId}:${event.conversationId}`, delayMs: this.deps.delayMs },
      );
      if (id) this.deps.jobRunner.wake();
    } catch (error) {
      // The message is stored either way; a person still sees it. The log has ids only.
      this.deps.logger.error(
        { err: error, organizationId: event.organizationId, conversationId: event.conversationId },
        'automatic reply not enqueued',
      );
    }
  }

  /** The job: answers the conversation's latest inbound message, once. */
  async run(payload: unknown, job: Pick<JobContext, 'id' | 'logger'>): Promise<void> {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      job.logger.error('ai-reply job with an invalid payload: dropped');
      return;
    }
    const { organizationId, conversationId } = parsed.data;
    const logger = job.logger.child({ organizationId, conversationId });
    const { repo, conversations } = this.deps;
    const conversation = await repo.conversationById(organizationId, conversationId);
    // A person has it (an earlier handover), or it is gone: nothing to do.
    if (!conversation || conversation.needs_human) return;
    const settings = await this.deps.ai.settings(organizationId);
    if (!settings.enabled || !settings.autoReplyChannels.includes(conversation.channel)) return;

    const [latest] = await repo.recentMessages(organizationId, conversationId, 1);
    // Someone (a person, or this job's earlier attempt) already answered the latest message.
    if (!latest || latest.direction !== 'inbound') return;
    const idempotencyKey = `ai:${latest.id}`;
    if (await repo.messageByIdempotencyKey(organizationId, idempotencyKey)) return;

    const requestId = `job-${job.id}`;
    let draft;
    try {
      draft = await this.deps.drafter.draftReply({ organizationId, conversationId, requestId, logger });
    } catch (error) {
      // Over the day's budget, AI turned off, or not configured: no automatic reply, no retry (a
      // person sees the message). OpenAI's own 429/5xx are thrown: the job retries with backoff.
      if (isGatewayError(error) && NO_RETRY.has(error.code)) {
        logger.info({ code: error.code }, 'automatic reply not drafted');
        return;
      }
      throw error;
    }
    if (draft.handover || !draft.text) {
      await this.deps.handover.handOver({
        organizationId,
        conversationId,
        reason: draft.reason ?? 'The assistant gave no answer.',
        logger,
      });
      return;
    }
    try {
      const sent = await conversations.send({
        organizationId,
        userId: AI_SENDER,
        requestId,
        logger,
        idempotencyKey,
        content: { kind: 'text', text: draft.text },
        conversationId,
      });
      logger.info({ messageId: sent.message.id, replayed: sent.replayed }, 'automatic reply sent');
    } catch (error) {
      if (isGatewayError(error) && error.code === 'BAD_USER_INPUT') {
        // The channel's rules refused it before any call (outside the window): no reply.
        logger.info({ code: error.code }, 'automatic reply not sent: the channel refused it');
        return;
      }
      throw error;
    }
  }
}
