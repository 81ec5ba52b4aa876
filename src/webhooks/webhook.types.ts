import type { IncomingHttpHeaders } from 'node:http';
import type { BillingService } from '../billing/billing.service';
import type { AuditRepo } from '../db/audit.repo';
import type { IntegrationsRepo } from '../db/integrations.repo';
import type { ConversationsService } from '../messaging/conversations.service';
import type { LiveEvents } from '../messaging/live-events';
import type { Logger } from '../observability/logger';
import type { WebhookEventsRepo } from '../db/webhook-events.repo';

/** One delivery as it reached `POST /webhooks/:provider`: the bytes exactly as sent. */
export interface WebhookRequest {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** The path and query string the provider called (some providers sign the URL too). */
  url: string;
  /**
   * The full URL as the provider called it from outside: PUBLIC_BASE_URL + url when set (behind a
   * proxy the gateway cannot see the public host), else the host and scheme of the request.
   */
  publicUrl: string;
}

/** The answer to a provider's subscription handshake (e.g. Meta's `hub.challenge` GET). */
export interface WebhookHandshake {
  status: number;
  /** Sent as text/plain: the challenge echoed, or a short refusal. */
  body: string;
}

/** What a provider's extractor reads from a verified delivery. */
export interface WebhookEnvelope {
  /** The provider's id of the event; a retry of the same event carries the same id. */
  eventId: string;
  /** The provider's event type, e.g. Shopify's `app/uninstalled`. */
  topic: string;
  /**
   * The account the event is about, as an organization would type it when connecting (e.g.
   * `{ storeName: 'acme.myshopify.com' }`). The inbox normalizes it with the adapter's own account
   * rules, so routing matches `integrations.account_key` exactly.
   */
  account: unknown;
  payload: unknown;
}

/** A stored event handed to a provider's handler, routed to an organization or (see below) not. */
export interface InboundEvent {
  id: string;
  provider: string;
  providerEventId: string;
  topic: string;
  accountKey: string;
  /** Null only for topics a provider handles unrouted (privacy requests for a released account). */
  organizationId: string | null;
  payload: unknown;
}

/** What a handler may use: repositories, never a request's context. */
export interface WebhookHandlerDeps {
  integrations: IntegrationsRepo;
  audit: AuditRepo;
  events: WebhookEventsRepo;
  /** Messaging channels store their inbound facts here (src/messaging/). */
  conversations: ConversationsService;
  /** The subscriptions' live feed, for events that are not messages (Shopify's updates). */
  live: LiveEvents;
  /** The organization's billing (Stripe's webhooks): routing by customer, state updates. */
  billing: BillingService;
  logger: Logger;
}

/** Handled, or a topic this gateway has nothing to do for (stored and shown, never retried). */
export type WebhookOutcome = 'done' | 'unsupported';

/**
 * A provider module's inbound side (DESIGN.md, "The inbound path"; STYLE.md habit 5). Optional on
 * the adapter: a provider without it answers 404 on `/webhooks/<provider>`.
 */
export interface ProviderWebhooks<Env> {
  /** False when the admin configuration lacks what verifying needs: the inbox answers 503. */
  configured(env: Env): boolean;
  /** The signature over the raw bytes, compared in constant time with the length checked first. */
  verify(request: WebhookRequest, env: Env): boolean;
  /**
   * The event's identity, or undefined when a verified delivery lacks it (answered 400). A provider
   * that batches several events in one delivery (Messenger's `entry[].messaging[]`) returns each.
   */
  extract(request: WebhookRequest, env: Env): WebhookEnvelope | readonly WebhookEnvelope[] | undefined;
  /** Answers `GET` on the provider's webhook path (a subscription handshake); 404 without. */
  handshake?(query: Record<string, unknown>, env: Env): WebhookHandshake;
  /**
   * Routes a stored event to an organization before the default lookup by account key (the
   * organization that claimed it). A string is that organization, null leaves the event unrouted,
   * undefined means "no opinion": the claim decides. WhatsApp's shared number routes by who last
   * wrote to the shopper from it. Throwing retries the event like a failing handler.
   */
  route?(
    event: Omit<InboundEvent, 'organizationId'>,
    deps: WebhookHandlerDeps,
    env: Env,
  ): Promise<string | null | undefined>;
  /** Acts on one event; throwing retries it with backoff. Unknown topics answer 'unsupported'. */
  handle(event: InboundEvent, deps: WebhookHandlerDeps): Promise<WebhookOutcome>;
  /** Topics handled even when no organization holds the account (a store's privacy requests). */
  unroutedTopics?: readonly string[];
}
