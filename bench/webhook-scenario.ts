/**
 * W1: the webhook inbox's acknowledgement (issue 8: "a 2xx within 100 ms at p99 on this machine").
 * Signed Shopify `orders/updated` deliveries, each with its own `X-Shopify-Webhook-Id` (so each is
 * stored and queued, none is a duplicate), for the store the bench connected (so each routes), sent
 * closed-loop on a few connections — Shopify's own deliveries to one app are few at a time. The
 * gateway's job worker runs in the same process as it does in production, so the events are
 * processed while the acknowledgements are measured, and the bench checks through the GraphQL API
 * (on either engine) that every acknowledged event was stored once and processed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ScenarioRun } from './scenarios';

export const W1_NAME = 'W1';
export const W1_TOPIC = 'orders/updated';
export const W1_PATH = '/webhooks/shopify';
export const W1_ACK_P99_TARGET_MS = 100;

export const w1Runs: ScenarioRun[] = [
  { upstreamLatencyMs: 0, mode: 'latency', connections: 1 },
  { upstreamLatencyMs: 0, mode: 'latency', connections: 4 },
];

/** Distinct order bodies cycled through; every delivery still gets its own webhook id. */
const POOL_SIZE = 512;

/** What the gateway answers to a stored (or duplicate) delivery. */
export const w1Check = (body: string) => body === '{"received":true}';

/**
 * An `orders/updated` body shaped like Shopify's (2025-01 REST order resource, the fields a store
 * with a customer, two or three line items, shipping and tax sends), 3.5–4.5 KB.
 */
export function orderPayload(n: number, shop: string): Record<string, unknown> {
  const id = 5_820_000_000_000 + n;
  const customerId = 7_100_000_000_000 + (n % 97);
  const at = new Date(Date.UTC(2026, 10, 1, 9, 0, 0) + n * 61_000).toISOString().replace('.000Z', '-00:00');
  const money = (amount: string) => ({
    shop_money: { amount, currency_code: 'EUR' },
    presentment_money: { amount, currency_code: 'EUR' },
  });
  const address = {
    first_name: 'Ada',
    last_name: 'Lovelace',
    address1: `${10 + (n % 80)} Analytical Engine Street`,
    address2: null,
    city: 'London',
    province: 'England',
    country: 'United Kingdom',
    zip: 'NW1 2DB',
    phone: '+44 20 7946 0958',
    company: null,
    country_code: 'GB',
    province_code: 'ENG',
    latitude: 51.5237,
    longitude: -0.1585,
    name: 'Ada Lovelace',
  };
  const items = Array.from({ length: 2 + (n % 2) }, (_, i) => ({
    id: 14_300_000_000_000 + n * 10 + i,
    admin_graphql_api_id: `gid://shopify/LineItem/${14_300_000_000_000 + n * 10 + i}`,
    variant_id: 44_000_000_000 + i,
    product_id: 8_000_000_000 + i,
    title: ['Blue mug', 'Tea towel', 'Notebook'][i],
    variant_title: ['Large', 'Linen', 'A5 dotted'][i],
    sku: `SKU-${1000 + i}`,
    vendor: 'Switchboard Goods',
    quantity: 1 + (i % 2),
    price: '19.90',
    price_set: money('19.90'),
    total_discount: '0.00',
    fulfillable_quantity: 1,
    fulfillment_status: null,
    requires_shipping: true,
    taxable: true,
    gift_card: false,
    grams: 350,
    tax_lines: [{ title: 'VAT', price: '3.32', rate: 0.2, price_set: money('3.32') }],
  }));
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    app_id: 580111,
    browser_ip: '203.0.113.7',
    buyer_accepts_marketing: false,
    cancel_reason: null,
    cancelled_at: null,
    confirmation_number: `X${(n * 7919).toString(36).toUpperCase().padStart(8, '0')}`,
    confirmed: true,
    contact_email: `ada+${n % 97}@example.com`,
    created_at: at,
    currency: 'EUR',
    current_subtotal_price: '59.70',
    current_total_discounts: '0.00',
    current_total_price: '64.60',
    current_total_tax: '9.95',
    email: `ada+${n % 97}@example.com`,
    financial_status: 'paid',
    fulfillment_status: null,
    name: `#${1001 + n}`,
    number: n + 1,
    order_number: 1001 + n,
    order_status_url: `https://${shop}.myshopify.com/orders/${randomUUID().replaceAll('-', '')}/authenticate`,
    processed_at: at,
    source_name: 'web',
    subtotal_price: '59.70',
    subtotal_price_set: money('59.70'),
    tags: 'bench, webhook',
    taxes_included: true,
    test: false,
    total_discounts: '0.00',
    total_line_items_price: '59.70',
    total_price: '64.60',
    total_price_set: money('64.60'),
    total_tax: '9.95',
    total_weight: 1050,
    updated_at: at,
    billing_address: address,
    shipping_address: address,
    customer: {
      id: customerId,
      email: `ada+${n % 97}@example.com`,
      created_at: '2025-03-01T10:00:00-00:00',
      updated_at: at,
      first_name: 'Ada',
      last_name: 'Lovelace',
      state: 'enabled',
      verified_email: true,
      currency: 'EUR',
      phone: null,
      tags: '',
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
    },
    line_items: items,
    shipping_lines: [
      { id: 4_700_000_000 + n, title: 'Standard', code: 'Standard', price: '4.90', price_set: money('4.90') },
    ],
    tax_lines: [{ title: 'VAT', price: '9.95', rate: 0.2, price_set: money('9.95') }],
    note: null,
    note_attributes: [],
    discount_codes: [],
    refunds: [],
    fulfillments: [],
  };
}

interface Signed {
  body: Buffer;
  hmac: string;
}

/**
 * The request hook for autocannon (`requests[].setupRequest`): every request gets a fresh webhook
 * id and event id, and one of the pre-signed bodies (the signature covers the body only, so the
 * pool is signed once; the load tool on core 0 then spends no HMAC per request).
 */
export function w1Deliveries(shop: string, secret: string) {
  const pool: Signed[] = Array.from({ length: POOL_SIZE }, (_, n) => {
    const body = Buffer.from(JSON.stringify(orderPayload(n, shop)));
    return { body, hmac: createHmac('sha256', secret).update(body).digest('base64') };
  });
  const sizes = pool.map((p) => p.body.length);
  let next = 0;
  const headers = (signed: Signed): Record<string, string> => ({
    'content-type': 'application/json',
    'x-shopify-topic': W1_TOPIC,
    'x-shopify-shop-domain': `${shop}.myshopify.com`,
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-api-version': '2025-01',
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-hmac-sha256': signed.hmac,
  });
  return {
    bodyBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
    /** One delivery (for the single-request check). */
    one() {
      const signed = pool[next++ % POOL_SIZE]!;
      return { headers: headers(signed), body: signed.body };
    },
    setupRequest<R extends { headers?: Record<string, string>; body?: unknown }>(req: R): R {
      const signed = pool[next++ % POOL_SIZE]!;
      req.headers = { ...req.headers, ...headers(signed) };
      req.body = signed.body;
      return req;
    },
  };
}

/** An event as the API lists it. */
interface ListedEvent {
  id: string;
  state: string;
  receivedAt: string;
  processedAt: string | null;
}

const EVENT_FIELDS = 'edges { node { id state receivedAt processedAt } } pageInfo { hasNextPage endCursor }';

/**
 * The events received since `sinceMs`, newest first, read through the API as an operator would:
 * the platform administrator's unrouted list (stored events no worker has started yet have no
 * organization) and then the organization's own list; an event that moved between the two is kept
 * once, with its later state.
 */
export async function eventsSince(
  gwUrl: string,
  tokens: { admin: string; platform: string },
  sinceMs: number,
): Promise<ListedEvent[]> {
  const byId = new Map<string, ListedEvent>();
  const lists: Array<[string, string, (data: any) => any]> = [
    [tokens.platform, 'unroutedWebhookEvents', (d) => d?.unroutedWebhookEvents],
    [tokens.admin, 'organization { webhookEvents', (d) => d?.organization?.webhookEvents],
  ];
  for (const [token, field, pick] of lists) {
    let after: string | null = null;
    for (let page = 0; page < 2000; page++) {
      const close = field.includes('{') ? ' }' : '';
      const query = `query W1Events($after: String) { ${field}(first: 100, after: $after) { ${EVENT_FIELDS} }${close} }`;
      const res = await fetch(`${gwUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { after } }),
      });
      const json = (await res.json()) as { data?: unknown; errors?: unknown };
      const conn = pick(json.data);
      if (!conn) throw new Error(`listing webhook events failed: ${JSON.stringify(json).slice(0, 300)}`);
      let older = false;
      for (const { node } of conn.edges as Array<{ node: ListedEvent }>) {
        if (Date.parse(node.receivedAt) < sinceMs) {
          older = true;
          break;
        }
        byId.set(node.id, node);
      }
      if (older || !conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
  }
  return [...byId.values()];
}

export interface W1Processing {
  /** Events received in the measured window (stored: one row per acknowledged delivery). */
  storedInWindow: number;
  /** Of those, processed (DONE) when the window closed, and still queued or running then. */
  doneAtWindowEnd: number;
  backlogAtWindowEnd: number;
  /** Seconds after the window until every event of the window was processed (undefined: not within the wait). */
  drainSec?: number;
  /** processedAt − receivedAt of the window's events, ms (the database's clock, millisecond resolution). */
  lagMs?: { p50: number; p99: number; max: number };
  /** Events of the window in any other state after the wait (failed, dead, unrouted, unsupported...). */
  otherStates: Record<string, number>;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

/** Reads the window's events at its end and again until they are all processed (or `waitMs` passed). */
export async function w1Processing(
  gwUrl: string,
  tokens: { admin: string; platform: string },
  window: { start: number; end: number },
  waitMs = 60_000,
): Promise<W1Processing> {
  const inWindow = (e: ListedEvent) => Date.parse(e.receivedAt) <= window.end;
  const atEnd = (await eventsSince(gwUrl, tokens, window.start)).filter(inWindow);
  const doneAtEnd = atEnd.filter(
    (e) => e.state === 'DONE' && e.processedAt && Date.parse(e.processedAt) <= window.end,
  ).length;
  const t0 = Date.now();
  let events = atEnd;
  let drained = false;
  for (;;) {
    drained = events.every((e) => e.state !== 'PENDING' && e.state !== 'PROCESSING');
    if (drained || Date.now() - t0 > waitMs) break;
    await new Promise((r) => setTimeout(r, 250));
    events = (await eventsSince(gwUrl, tokens, window.start)).filter(inWindow);
  }
  const drainSec = drained ? Math.round((Date.now() - t0) / 100) / 10 : undefined;
  const lags = events
    .filter((e) => e.state === 'DONE' && e.processedAt)
    .map((e) => Date.parse(e.processedAt!) - Date.parse(e.receivedAt))
    .sort((a, b) => a - b);
  const otherStates: Record<string, number> = {};
  for (const e of events) if (e.state !== 'DONE') otherStates[e.state] = (otherStates[e.state] ?? 0) + 1;
  return {
    storedInWindow: atEnd.length,
    doneAtWindowEnd: doneAtEnd,
    backlogAtWindowEnd: atEnd.length - doneAtEnd,
    ...(drainSec !== undefined ? { drainSec } : {}),
    ...(lags.length > 0
      ? { lagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags.at(-1)! } }
      : {}),
    otherStates,
  };
}

/** Waits until nothing received since `sinceMs` is queued or running (a clean start for a window). */
export async function w1Drain(
  gwUrl: string,
  tokens: { admin: string; platform: string },
  sinceMs: number,
  waitMs = 120_000,
): Promise<boolean> {
  const t0 = Date.now();
  for (;;) {
    const events = await eventsSince(gwUrl, tokens, sinceMs);
    if (events.every((e) => e.state !== 'PENDING' && e.state !== 'PROCESSING')) return true;
    if (Date.now() - t0 > waitMs) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}
