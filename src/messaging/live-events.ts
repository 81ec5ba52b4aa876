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
  /**
   * This instance's own feed. Without Redis it is the engine; with Redis it carries what Redis could
   * not (an outage), so subscribers on the instance that stored the event still get it.
   */
  private readonly local = new PubSub();
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
      // graphql-redis-subscriptions sends these without handling their promise: with Redis down, a
      // subscriber leaving made an unhandled rejection, which ends the process.
      for (const method of ['unsubscribe', 'punsubscribe'] as const) {
        const send = subscriber[method].bind(subscriber) as (...channels: string[]) => Promise<unknown>;
        Object.assign(subscriber, {
          [method]: (...channels: string[]) =>
            send(...channels).catch((error: Error) =>
              logger.warn({ err: error.message }, 'live events: Redis unsubscribe failed'),
            ),
        });
      }
      this.redis = { publisher, subscriber };
      this.engine = new RedisPubSub({ publisher, subscriber });
    } else {
      this.engine = this.local;
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
    return this.subscribe<MessageEventModel>(messagesTopic(organizationId));
  }

  shopifyEvents(organizationId: string): AsyncIterableIterator<ShopifyEventModel> {
    return this.subscribe<ShopifyEventModel>(shopifyTopic(organizationId));
  }

  private subscribe<T>(topic: string): AsyncIterableIterator<T> {
    const local = this.local.asyncIterableIterator<T>(topic);
    // Subscribing while Redis is down would wait for it, then fail inside graphql-redis-subscriptions
    // as an unhandled rejection (which ends the process): such a subscriber gets this instance's
    // events only, and reconnecting once Redis is back gets it every instance's again.
    if (!this.redis || this.redis.subscriber.status !== 'ready') return local;
    return merge([this.engine.asyncIterableIterator<T>(topic), local], (error) =>
      this.logger.warn({ err: error, topic: topic.split(':')[2] }, 'live events: Redis subscription failed'),
    );
  }

  private async publish(topic: string, payload: MessageEventModel | ShopifyEventModel): Promise<void> {
    try {
      await this.engine.publish(topic, payload);
      return;
    } catch (error) {
      this.logger.warn({ err: error, topic: topic.split(':')[2] }, 'live event not published through Redis');
    }
    // Redis did not take it: at least this instance's subscribers get it.
    await this.local.publish(topic, payload).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    // quit() waits for Redis to answer: while Redis is down it would keep reconnecting, and stop()
    // would never finish.
    await Promise.allSettled(
      [this.redis.publisher, this.redis.subscriber].map((client) =>
        client.status === 'ready' ? client.quit() : client.disconnect(),
      ),
    );
  }
}

/**
 * Several event streams as one, in arrival order. A stream that fails (a Redis subscription that
 * could not be made) is dropped and logged; the others go on.
 */
function merge<T>(
  sources: Array<AsyncIterator<T>>,
  onError: (error: unknown) => void,
): AsyncIterableIterator<T> {
  type Pulled = { source: AsyncIterator<T>; result: IteratorResult<T> };
  const pending = new Map<AsyncIterator<T>, Promise<Pulled>>();
  const pull = (source: AsyncIterator<T>) =>
    pending.set(
      source,
      source.next().then(
        (result) => ({ source, result }),
        (error: unknown) => {
          onError(error);
          return { source, result: { done: true, value: undefined } };
        },
      ),
    );
  let started = false;
  let returned = false;
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      if (!started) {
        started = true;
        for (const source of sources) pull(source);
      }
      while (!returned && pending.size > 0) {
        const { source, result } = await Promise.race(pending.values());
        if (result.done) {
          pending.delete(source);
          continue;
        }
        pull(source);
        return { done: false, value: result.value };
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<T>> {
      returned = true;
      await Promise.allSettled(sources.map((source) => source.return?.()));
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
