/**
 * Sends webhooks the way Shopify does (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries,
 * contracts/PROVIDER-FACTS.md "Webhooks"): a JSON body signed with HMAC-SHA256 under the app's
 * secret, base64, in `X-Shopify-Hmac-Sha256`, with `X-Shopify-Topic`, `X-Shopify-Shop-Domain`,
 * `X-Shopify-Webhook-Id` (the same on every retry of one delivery), `X-Shopify-Api-Version`,
 * `X-Shopify-Triggered-At` and `X-Shopify-Event-Id`.
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface ShopifyDelivery {
  topic: string;
  /** "acme" or "acme.myshopify.com"; sent as the full domain, as Shopify does. */
  shop: string;
  payload: unknown;
  /** Reuse one to send a retry of the same delivery. */
  webhookId?: string;
  apiVersion?: string;
}

export interface SentDelivery {
  status: number;
  body: any;
  webhookId: string;
  ms: number;
}

export class ShopifyWebhookSender {
  constructor(
    private readonly gatewayUrl: string,
    private readonly secret: string,
  ) {}

  /** Headers and body of a delivery, signed; tests tamper with them to forge one. */
  sign(delivery: ShopifyDelivery, secret = this.secret): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify(delivery.payload);
    const domain = delivery.shop.includes('.') ? delivery.shop : `${delivery.shop}.myshopify.com`;
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': delivery.topic,
        'x-shopify-shop-domain': domain,
        'x-shopify-webhook-id': delivery.webhookId ?? randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-api-version': delivery.apiVersion ?? '2025-01',
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
      },
    };
  }

  async send(delivery: ShopifyDelivery): Promise<SentDelivery> {
    const { headers, body } = this.sign(delivery);
    return this.post(headers, body);
  }

  /** Posts exactly these headers and body (a forged or tampered delivery). */
  async post(
    headers: Record<string, string>,
    body: string,
    path = '/webhooks/shopify',
  ): Promise<SentDelivery> {
    const started = performance.now();
    const res = await fetch(`${this.gatewayUrl}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      webhookId: headers['x-shopify-webhook-id'] ?? '',
      ms: performance.now() - started,
    };
  }

  /** Shopify retries a delivery it got no 2xx for with the same webhook id: `copies` at once. */
  async sendCopies(delivery: ShopifyDelivery, copies: number): Promise<SentDelivery[]> {
    const signed = this.sign({ ...delivery, webhookId: delivery.webhookId ?? randomUUID() });
    return Promise.all(Array.from({ length: copies }, () => this.post(signed.headers, signed.body)));
  }
}

/** Payloads shaped like Shopify's for the topics the gateway acts on. */
export const shopifyPayloads = {
  order: (id: number, customer: { id: number; email: string }) => ({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    email: customer.email,
    customer: { id: customer.id, email: customer.email, first_name: 'Ada', last_name: 'Lovelace' },
    line_items: [{ id: id * 10, title: 'Blue mug', quantity: 1 }],
  }),
  customer: (id: number, email: string) => ({ id, email, first_name: 'Ada', last_name: 'Lovelace' }),
  customersRedact: (shop: string, customer: { id: number; email: string }, orders: number[]) => ({
    shop_id: 954889,
    shop_domain: `${shop}.myshopify.com`,
    customer: { id: customer.id, email: customer.email, phone: '555-625-1199' },
    orders_to_redact: orders,
  }),
  customersDataRequest: (shop: string, customer: { id: number; email: string }) => ({
    shop_id: 954889,
    shop_domain: `${shop}.myshopify.com`,
    orders_requested: [299938, 280263],
    customer: { id: customer.id, email: customer.email, phone: '555-625-1199' },
    data_request: { id: 9999 },
  }),
  shopRedact: (shop: string) => ({ shop_id: 954889, shop_domain: `${shop}.myshopify.com` }),
  appUninstalled: (shop: string) => ({ id: 954889, name: shop, domain: `${shop}.myshopify.com` }),
};
