import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { InboundEvent, ProviderWebhooks, WebhookHandlerDeps, WebhookOutcome } from './webhook.types';

/** The part of Shopify's admin configuration that webhooks read. */
export interface ShopifyWebhookEnv {
  SHOPIFY_WEBHOOK_SECRET?: string | undefined;
  SHOPIFY_ADMIN_API_SECRET?: string | undefined;
}

export const APP_UNINSTALLED_MESSAGE =
  'The Switchboard app was removed from this Shopify store; reinstall it, then test the connection.';

/** Audit rows of webhook actions name the provider as the actor; there is no user or role. */
const ACTOR = 'webhook:shopify';

/** Shopify signs with the app's client secret; a dedicated webhook secret wins when set. */
const secretOf = (env: ShopifyWebhookEnv) => env.SHOPIFY_WEBHOOK_SECRET ?? env.SHOPIFY_ADMIN_API_SECRET;

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/**
 * Shopify's webhooks: https://shopify.dev/docs/apps/build/webhooks/verify-deliveries (HMAC of the
 * raw body, base64, in `X-Shopify-Hmac-Sha256`; `X-Shopify-Webhook-Id` repeats on a retry of the same
 * delivery) and the mandatory privacy topics every public app must answer:
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 */
export const shopifyWebhooks: ProviderWebhooks<ShopifyWebhookEnv> = {
  configured: (env) => Boolean(secretOf(env)),

  verify({ rawBody, headers }, env) {
    const secret = secretOf(env);
    const given = header(headers, 'x-shopify-hmac-sha256');
    if (!secret || !given) return false;
    const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('base64'));
    const actual = Buffer.from(given);
    // timingSafeEqual throws on different lengths; the length of a MAC is no secret.
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  },

  extract({ rawBody, headers }) {
    const eventId = header(headers, 'x-shopify-webhook-id');
    const topic = header(headers, 'x-shopify-topic');
    const shopDomain = header(headers, 'x-shopify-shop-domain');
    if (!eventId || !topic || !shopDomain || eventId.length > 200 || topic.length > 200) return undefined;
    return {
      eventId,
      topic,
      // Normalized by the Shopify account rules: "acme.myshopify.com" is the store "acme".
      account: { storeName: shopDomain },
      payload: JSON.parse(rawBody.toString('utf8')) as unknown,
    };
  },

  // Privacy requests must be honoured even for a store no organization holds any more.
  unroutedTopics: ['customers/redact', 'shop/redact'],

  async handle(event, deps) {
    const handler = TOPICS[event.topic];
    return handler ? handler(event, deps) : 'unsupported';
  },
};

type TopicHandler = (event: InboundEvent, deps: WebhookHandlerDeps) => Promise<WebhookOutcome>;

/**
 * Announced to the organization's `shopifyEvents` subscribers (the event is stored already): what
 * changed and its ids, never the payload, which holds customer data.
 */
const announce: TopicHandler = async (event, deps) => {
  if (!event.organizationId) return 'done';
  const payload = asRecord(event.payload);
  const gid = payload.admin_graphql_api_id;
  await deps.live.publishShopify({
    topic: event.topic,
    organizationId: event.organizationId,
    webhookEventId: event.id,
    resourceId: idOf(payload.id) ?? null,
    adminGraphqlApiId: typeof gid === 'string' && gid.length <= 200 ? gid : null,
    at: new Date().toISOString(),
  });
  return 'done';
};

const TOPICS: Record<string, TopicHandler> = {
  'app/uninstalled': async (event, deps) => {
    const row = await deps.integrations.findClaim('shopify', event.accountKey);
    if (row && row.organization_id === event.organizationId) {
      await deps.integrations.recordHealth(row, { ok: false, message: APP_UNINSTALLED_MESSAGE });
    }
    await audit(deps, event, 'shopify.app_uninstalled', {});
    return 'done';
  },

  'customers/data_request': async (event, deps) => {
    const payload = asRecord(event.payload);
    // Identifiers only: the audit log cannot be redacted later, so no email or phone goes in.
    await audit(deps, event, 'shopify.customers_data_request', {
      shopifyCustomerId: idOf(asRecord(payload.customer).id),
      dataRequestId: idOf(asRecord(payload.data_request).id),
      ordersRequested: Array.isArray(payload.orders_requested) ? payload.orders_requested.length : 0,
    });
    return 'done';
  },

  'customers/redact': async (event, deps) => {
    const payload = asRecord(event.payload);
    const customer = asRecord(payload.customer);
    const email = typeof customer.email === 'string' && customer.email ? customer.email : undefined;
    const orderIds = Array.isArray(payload.orders_to_redact)
      ? payload.orders_to_redact.map(idOf).filter((id): id is string => id !== undefined)
      : [];
    const redacted = await deps.events.redactCustomer(
      'shopify',
      event.accountKey,
      { customerId: idOf(customer.id), email, orderIds },
      event.id,
    );
    await audit(deps, event, 'shopify.customers_redact', {
      shopifyCustomerId: idOf(customer.id),
      redactedEvents: redacted,
    });
    return 'done';
  },

  'shop/redact': async (event, deps) => {
    const redacted = await deps.events.redactAccount('shopify', event.accountKey);
    await audit(deps, event, 'shopify.shop_redact', { redactedEvents: redacted });
    return 'done';
  },

  'orders/updated': announce,
  'products/update': announce,
  'customers/update': announce,
};

/** Filed under the organization the event routed to; an unrouted one is only logged. */
async function audit(
  deps: WebhookHandlerDeps,
  event: InboundEvent,
  action: string,
  args: Record<string, unknown>,
): Promise<void> {
  if (!event.organizationId) {
    deps.logger.info({ action, ...args }, 'privacy request for a store no organization holds');
    return;
  }
  await deps.audit.append({
    requestId: `webhook:${event.id}`,
    organizationId: event.organizationId,
    actorId: ACTOR,
    actorRole: null,
    action,
    provider: 'shopify',
    accountKey: event.accountKey,
    outcome: 'ok',
    errorCode: null,
    arguments: { webhookEventId: event.id, ...args },
  });
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Shopify's ids are JSON numbers (or strings); compared as text with the stored payloads. */
const idOf = (value: unknown): string | undefined =>
  typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : undefined;
