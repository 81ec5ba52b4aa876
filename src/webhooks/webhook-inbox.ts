import { asPlatform } from '../db/tenant-scope';
import type { Config } from '../config/config';
import type { Db } from '../db/database';
import type { IntegrationsRepo } from '../db/integrations.repo';
import type { WebhookEventsRepo } from '../db/webhook-events.repo';
import { providers } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import { GatewayError } from '../errors/gateway-error';
import type { JobQueue } from '../jobs/job-queue';
import type { JobContext, JobRunner } from '../jobs/job-runner';
import type { Logger } from '../observability/logger';
import type {
  InboundEvent,
  ProviderWebhooks,
  WebhookEnvelope,
  WebhookHandlerDeps,
  WebhookRequest,
} from './webhook.types';

export const WEBHOOK_QUEUE = 'webhook';

/** How a delivery was answered; the router turns it into a status code. */
export type ReceiveResult =
  | { status: 'stored'; eventIds: string[] }
  | { status: 'duplicate' }
  | { status: 'bad-signature' }
  | { status: 'unreadable' };

/** States in which a queued job still has work to do; anything else was settled by another job. */
const OPEN_STATES = new Set(['pending', 'processing', 'failed']);

/**
 * The inbound path of DESIGN.md: a verified delivery is stored and its processing job enqueued in
 * one transaction (a crash between the two cannot lose it), answered at once, and processed by the
 * job runner — here within milliseconds, or by any instance on the same database.
 */
export class WebhookInbox {
  constructor(
    private readonly config: Config,
    private readonly db: Db,
    private readonly events: WebhookEventsRepo,
    private readonly integrations: IntegrationsRepo,
    private readonly jobs: JobQueue,
    private readonly runner: JobRunner,
    private readonly deps: Omit<WebhookHandlerDeps, 'logger'>,
    private readonly logger: Logger,
  ) {
    runner.register(WEBHOOK_QUEUE, (payload, job) => this.process(payload as { eventId: string }, job));
  }

  /** The provider's webhook module, or undefined when it has none (404). */
  webhooksOf(provider: string): ProviderWebhooks<unknown> | undefined {
    if (!Object.hasOwn(providers, provider)) return undefined;
    return providers[provider as ProviderId].webhooks as ProviderWebhooks<unknown> | undefined;
  }

  /** Throws PROVIDER_NOT_CONFIGURED unless the gateway can verify this provider's deliveries. */
  envFor(provider: ProviderId): unknown {
    const providerConfig = this.config.providers[provider];
    const webhooks = this.webhooksOf(provider);
    if (!providerConfig.configured || !webhooks?.configured(providerConfig.env)) {
      throw new GatewayError(
        'PROVIDER_NOT_CONFIGURED',
        `${providers[provider].displayName} webhooks are not configured on this gateway.`,
      );
    }
    return providerConfig.env;
  }

  /** Intake is a platform code path: the organization is known only once the account is routed. */
  receive(provider: ProviderId, request: WebhookRequest, logger: Logger): Promise<ReceiveResult> {
    return asPlatform('webhook intake', () => this.receiveVerified(provider, request, logger));
  }

  private async receiveVerified(
    provider: ProviderId,
    request: WebhookRequest,
    logger: Logger,
  ): Promise<ReceiveResult> {
    const webhooks = this.webhooksOf(provider)!;
    const env = this.envFor(provider);
    if (!webhooks.verify(request, env)) {
      // Never the body or the headers: whoever sent it, it may carry customer data.
      logger.warn({ provider, bytes: request.rawBody.length }, 'webhook signature rejected');
      return { status: 'bad-signature' };
    }
    const extracted = safely(() => webhooks.extract(request, env));
    const envelopes = extracted === undefined ? [] : Array.isArray(extracted) ? extracted : [extracted];
    const keyed = envelopes.map((envelope) => ({
      envelope,
      accountKey: this.accountKeyOf(provider, envelope),
    }));
    if (keyed.length === 0 || keyed.some(({ accountKey }) => accountKey === undefined)) {
      logger.warn({ provider }, 'verified webhook without a readable event id, topic or account');
      return { status: 'unreadable' };
    }
    // Every event of one delivery in one transaction: all stored with their jobs, or none.
    const eventIds = await this.db.transaction(async (trx) => {
      const ids: string[] = [];
      for (const { envelope, accountKey } of keyed) {
        const id = await this.events.insert(trx, {
          provider,
          providerEventId: envelope.eventId,
          topic: envelope.topic,
          accountKey: accountKey!,
          payload: envelope.payload,
        });
        if (!id) continue;
        await this.jobs.enqueue(WEBHOOK_QUEUE, { eventId: id }, { trx, singletonKey: id });
        ids.push(id);
      }
      return ids;
    });
    if (eventIds.length === 0) return { status: 'duplicate' };
    this.runner.wake();
    return { status: 'stored', eventIds };
  }

  /** Re-queues a stored event (GraphQL's replay); the event's state goes back to pending. */
  async replay(eventId: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      await this.events.resetForReplay(trx, eventId);
      const queued = await this.jobs.enqueue(WEBHOOK_QUEUE, { eventId }, { trx, singletonKey: eventId });
      // A failed event already waits for its next attempt: bring that attempt forward.
      if (!queued) await this.jobs.runNow(WEBHOOK_QUEUE, eventId, trx);
    });
    this.runner.wake();
  }

  /** Normalized by the adapter's own account rules, so it matches `integrations.account_key`. */
  private accountKeyOf(provider: ProviderId, envelope: WebhookEnvelope): string | undefined {
    const account = providers[provider].account as { parse(i: unknown): unknown; key(a: unknown): string };
    return safely(() => account.key(account.parse(envelope.account)));
  }

  /** The job: route the event to its organization, then let the provider's handler act on it. */
  private async process({ eventId }: { eventId: string }, job: JobContext): Promise<void> {
    const event = await this.events.byId(eventId);
    // Gone with its organization, or settled by an earlier job of the same event.
    if (!event || !OPEN_STATES.has(event.state)) return;
    const provider = event.provider as ProviderId;
    const webhooks = this.webhooksOf(provider);
    const logger = job.logger.child({ webhookEventId: event.id, provider, topic: event.topic });
    const accountKey = event.account_key ?? '';
    const topic = event.topic ?? '';
    const stored = {
      id: event.id,
      provider,
      providerEventId: event.provider_event_id,
      topic,
      accountKey,
      payload: event.payload,
    };
    const organizationId = event.organization_id ?? (await this.route(webhooks, stored, logger));
    if (!organizationId && !webhooks?.unroutedTopics?.includes(topic)) {
      await this.events.finish(event.id, 'unrouted');
      logger.warn({ accountKey }, 'webhook for an account no organization has connected');
      return;
    }
    await this.events.startAttempt(event.id, organizationId);
    try {
      if (!webhooks) throw new Error(`${provider} has no webhook handler`);
      const inbound: InboundEvent = { ...stored, organizationId };
      const outcome = await webhooks.handle(inbound, { ...this.deps, logger });
      await this.events.finish(event.id, outcome);
      logger.info({ outcome, organizationId }, 'webhook processed');
    } catch (error) {
      // Shown to the organization's admins: a domain error's words, never a driver's message.
      const message = error instanceof GatewayError ? error.message : 'Processing failed (internal error).';
      await this.events.finish(event.id, job.lastAttempt ? 'dead' : 'failed', message);
      throw error;
    }
  }

  /** The provider's own routing first (when it has an opinion), else the account key's claim. */
  private async route(
    webhooks: ProviderWebhooks<unknown> | undefined,
    event: Omit<InboundEvent, 'organizationId'>,
    logger: Logger,
  ): Promise<string | null> {
    const provider = event.provider as ProviderId;
    const providerConfig = this.config.providers[provider];
    if (webhooks?.route && providerConfig.configured) {
      const routed = await webhooks.route(event, { ...this.deps, logger }, providerConfig.env);
      if (routed !== undefined) return routed;
    }
    return (await this.integrations.findClaim(provider, event.accountKey))?.organization_id ?? null;
  }
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
