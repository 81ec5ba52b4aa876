import Redis from 'ioredis';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from '../observability/logger';
import type { ChannelId } from './messaging.types';

/**
 * One event of the `messageEvents` subscription. Ids only: the subscriber's resolvers read the
 * message through its own organization (and Redis carries no customer data).
 */
export interface MessageEventModel {
  type: 'MESSAGE_RECEIVED' | 'MESSAGE_SENT' | 'STATUS_CHANGED';
  organizationId: string;
  conversationId: string;
  messageId: string;
  channel: ChannelId;
  /** ISO-8601; a string because it crosses Redis as JSON. */
  at: string;
}

/** One event of the `shopifyEvents` subscription: what changed, never the payload (customer data). */
export interface ShopifyEventModel {
  topic: string;
  organizationId: string;
  webhookEventId: string;
  /** Shopify's numeric id of the order, product or customer. */
  resourceId: string | null;
  /** Shopify's `admin_graphql_api_id` (gid://shopify/Order/…) when the payload carries it. */
  adminGraphqlApiId: string | null;
  at: string;
}

const messagesTopic = (organizationId: string) => `org:${organizationId}:messages`;
const shopifyTopic = (organizationId: string) => `org:${organizationId}:shopify`;

/**
 * The live feed behind GraphQL subscriptions: one topic per organization and kind, so a subscriber
 * can only ever be handed its own organization's events. In memory for one instance; through Redis
 * pub/sub (REDIS_URL) so an event stored by one instance reaches subscribers of every instance.
 * Publishing is best effort: the write it announces is already committed, and a client that missed
 * an event reads the list again.
 */
export class LiveEvents {
  private readonly engine: PubSubEngine;
  private readonly redis: { publisher: Redis; subscriber: Redis } | undefined;

  constructor(
    options: { redisUrl?: string | undefined },
    private readonly logger: Logger,
  ) {
    if (options.redisUrl) {
      const publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
      const subscriber = new Redis(options.redisUrl);
      for (const client of [publisher, subscriber]) {
        client.on('error', (error: Error) => logger.warn({ err: error }, 'live events: Redis error'));
      }
      this.redis = { publisher, subscriber };
      this.engine = new RedisPubSub({ publisher, subscriber });
    } else {
      this.engine = new PubSub();
    }
  }

  /** True when events cross instances (Redis). */
  get shared(): boolean {
    return this.redis !== undefined;
  }

  async publishMessage(event: MessageEventModel): Promise<void> {
    await this.publish(messagesTopic(event.organizationId), event);
  }

  async publishShopify(event: ShopifyEventModel): Promise<void> {
    await this.publish(shopifyTopic(event.organizationId), event);
  }

  messageEvents(organizationId: string): AsyncIterableIterator<MessageEventModel> {
    return this.engine.asyncIterableIterator<MessageEventModel>(messagesTopic(organizationId));
  }

  shopifyEvents(organizationId: string): AsyncIterableIterator<ShopifyEventModel> {
    return this.engine.asyncIterableIterator<ShopifyEventModel>(shopifyTopic(organizationId));
  }

  private async publish(topic: string, payload: MessageEventModel | ShopifyEventModel): Promise<void> {
    try {
      await this.engine.publish(topic, payload);
    } catch (error) {
      this.logger.warn({ err: error, topic: topic.split(':')[2] }, 'live event not published');
    }
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    await Promise.allSettled([this.redis.publisher.quit(), this.redis.subscriber.quit()]);
  }
}
