/**
 * Upstream faults: a provider that fails, stalls, throttles or answers garbage. The client gets the
 * stable code and words of its own, never the provider's body; a write is never sent twice.
 */
import { randomUUID } from 'node:crypto';
import { defineCategory } from '../support/catalogue';
import { MessengerWebhookSender, messengerEvents as ev } from '../../support/messenger-simulator';
import { expectCleanLog, expectCode, pollUntil } from '../support/checks';
import {
  KUSTOMER_KEY,
  MESSENGER_APP_SECRET,
  SHOPIFY_TOKEN,
  sharedWorld,
  type Org,
  type World,
} from '../support/world';

interface Ctx {
  w: World;
  org: Org;
}

const ORDERS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 2) { edges { cursor } } } } } }`;
const KUSTOMER = `query($id: ID) { organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { customer(id: $id) { id name } } } } }`;

/** A fresh organization connected to its own store (breakers and faults stay per store). */
async function storeOrg(w: World, store: string): Promise<Org> {
  const org = await w.org();
  const { body } = await w.gw.graphql(
    `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { errorCode } }`,
    { s: store },
    org.admin,
  );
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return org;
}

/** Body of a provider error that echoes the platform's credentials and a marker. */
const echoing = (marker: string) => ({ errors: `${marker} token=${SHOPIFY_TOKEN} key=${KUSTOMER_KEY}` });

export const upstreamCases = defineCategory<Ctx>({
  category: 'upstream faults',
  async setup() {
    const w = await sharedWorld();
    const org = await w.org();
    const { body } = await w.gw.graphql(
      `mutation { connectIntegration(input: { kustomer: { subdomain: "fault-co" } }) { errorCode } }`,
      {},
      org.admin,
    );
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { w, org };
  },
  teardown: async () => {},
  cases: [
    {
      name: 'Shopify answers 500 with a body echoing the admin token',
      expected: 'UPSTREAM_UNAVAILABLE; body and token in neither answer nor log',
      async run(c) {
        const store = 'fault-500';
        const org = await storeOrg(c.w, store);
        const marker = `upstream-body-${randomUUID()}`;
        const mark = c.w.logs.length;
        c.w.shopify.failNext({ status: 500, body: echoing(marker), times: 2, store });
        expectCode(await c.w.gw.graphql(ORDERS, {}, org.member), 'UPSTREAM_UNAVAILABLE', {
          forbidden: [marker],
        });
        expectCleanLog(c.w.logsSince(mark));
      },
    },
    {
      name: "Shopify refuses the platform's token (401)",
      expected: 'UPSTREAM_AUTH_FAILED, no upstream body',
      async run(c) {
        const store = 'fault-401';
        const org = await storeOrg(c.w, store);
        const marker = `auth-body-${randomUUID()}`;
        c.w.shopify.failNext({ status: 401, body: echoing(marker), store });
        expectCode(await c.w.gw.graphql(ORDERS, {}, org.member), 'UPSTREAM_AUTH_FAILED', {
          forbidden: [marker],
        });
      },
    },
    {
      name: 'Shopify keeps answering 429',
      expected: 'UPSTREAM_RATE_LIMITED with a retry hint',
      async run(c) {
        const store = 'fault-429';
        const org = await storeOrg(c.w, store);
        c.w.shopify.failNext({ status: 429, retryAfter: '1', times: 5, store });
        const res = await c.w.gw.graphql(ORDERS, {}, org.member);
        expectCode(res, 'UPSTREAM_RATE_LIMITED');
      },
    },
    {
      name: "Shopify's cost throttle (200 with THROTTLED)",
      expected: 'UPSTREAM_RATE_LIMITED',
      async run(c) {
        const org = await storeOrg(c.w, 'fault-throttled');
        c.w.shopify.throttleNext(5);
        expectCode(await c.w.gw.graphql(ORDERS, {}, org.member), 'UPSTREAM_RATE_LIMITED');
      },
    },
    {
      name: 'Shopify stalls past the deadline',
      expected: 'UPSTREAM_UNAVAILABLE within the deadline',
      async run(c) {
        const store = 'fault-slow';
        const org = await storeOrg(c.w, store);
        c.w.shopify.failNext({ status: 200, delayMs: 2500, times: 2, store });
        const started = Date.now();
        expectCode(await c.w.gw.graphql(ORDERS, {}, org.member), 'UPSTREAM_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(2400);
      },
    },
    {
      name: 'a draft order whose answer arrives after the deadline (Shopify did create it)',
      expected: 'UPSTREAM_UNAVAILABLE; sent once, never retried',
      async run(c) {
        const store = 'fault-write';
        const org = await storeOrg(c.w, store);
        c.w.shopify.failNext({ status: 200, delayMs: 1500, times: 3, store });
        const res = await c.w.gw.graphql(
          `mutation { createShopifyDraftOrder(input: { lineItems: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] }) { draftOrder { id } } }`,
          {},
          org.admin,
        );
        expectCode(res, 'UPSTREAM_UNAVAILABLE');
        await new Promise((resolve) => setTimeout(resolve, 1700));
        const creates = c.w.shopify.requests.filter(
          (r) => r.store === store && r.query?.includes('draftOrderCreate'),
        );
        expect(creates).toHaveLength(1);
      },
    },
    {
      name: "five failures in a row open one store's circuit; another store keeps working",
      expected: 'UPSTREAM_UNAVAILABLE at once, no call; the other store answers',
      async run(c) {
        const store = 'fault-circuit';
        const org = await storeOrg(c.w, store);
        const healthy = await storeOrg(c.w, 'fault-circuit-neighbour');
        c.w.shopify.failNext({ status: 503, times: 40, store });
        for (let i = 0; i < 5; i++) await c.w.gw.graphql(ORDERS, {}, org.member);
        const calls = c.w.shopify.graphqlCalls(store);
        expectCode(await c.w.gw.graphql(ORDERS, {}, org.member), 'UPSTREAM_UNAVAILABLE');
        expect(c.w.shopify.graphqlCalls(store)).toBe(calls);
        const other = await c.w.gw.graphql(ORDERS, {}, healthy.member);
        expect(other.body.errors).toBeUndefined();
        c.w.shopify.reset();
      },
    },
    {
      name: 'Kustomer answers 200 with an HTML page',
      expected: 'UPSTREAM_ERROR, no HTML in the answer',
      async run(c) {
        c.w.kustomer.enqueue({
          status: 200,
          headers: { 'content-type': 'text/html' },
          body: '<html><body>Login required</body></html>',
        });
        const res = await c.w.gw.graphql(KUSTOMER, { id: '5f3c9a1b2c4d5e6f7a8b9c01' }, c.org.member);
        expectCode(res, 'UPSTREAM_ERROR', { forbidden: ['<html', 'Login required'] });
      },
    },
    {
      name: 'Kustomer answers 502 with a body echoing its API key',
      expected: 'UPSTREAM_UNAVAILABLE; the key in neither answer nor log',
      async run(c) {
        const mark = c.w.logs.length;
        const marker = `kustomer-body-${randomUUID()}`;
        c.w.kustomer.enqueue(
          { status: 502, body: { message: `${marker} Bearer ${KUSTOMER_KEY}` } },
          { status: 502, body: { message: `${marker} Bearer ${KUSTOMER_KEY}` } },
        );
        expectCode(
          await c.w.gw.graphql(KUSTOMER, { id: '5f3c9a1b2c4d5e6f7a8b9c02' }, c.org.member),
          'UPSTREAM_UNAVAILABLE',
          { forbidden: [marker] },
        );
        expectCleanLog(c.w.logsSince(mark));
      },
    },
    {
      name: 'Kustomer sent the Bearer key to its own host only',
      expected: 'the request carried the key to the configured host and path',
      async run(c) {
        c.w.kustomer.enqueue({ status: 404, body: { errors: [] } });
        const before = c.w.kustomer.requests.length;
        const res = await c.w.gw.graphql(KUSTOMER, { id: '5f3c9a1b2c4d5e6f7a8b9c03' }, c.org.member);
        expect(res.body.errors).toBeUndefined();
        const [request] = c.w.kustomer.requests.slice(before);
        expect(request?.url).toBe('/fault-co/v1/customers/5f3c9a1b2c4d5e6f7a8b9c03');
        expect(request?.headers.authorization).toBe(`Bearer ${KUSTOMER_KEY}`);
      },
    },
    {
      name: 'a provider that refuses connections (Klaviyo on a closed port)',
      expected: 'UPSTREAM_UNAVAILABLE, no address or errno in the answer',
      async run(c) {
        const org = await c.w.org();
        await c.w.gw.graphql(
          `mutation { connectIntegration(input: { klaviyo: { companyId: "Fault1" } }) { errorCode } }`,
          {},
          org.admin,
        );
        const res = await c.w.gw.graphql(
          `{ organization { integration(provider: KLAVIYO) { ... on KlaviyoIntegration { lists(first: 1) { edges { cursor } } } } } }`,
          {},
          org.member,
        );
        expectCode(res, 'UPSTREAM_UNAVAILABLE', { forbidden: ['127.0.0.1', 'ECONNREFUSED', 'connect '] });
      },
    },
    {
      name: 'a Messenger send that fails, sent again with the same idempotency key',
      expected: 'UPSTREAM_UNAVAILABLE; one FAILED message, no second send',
      async run(c) {
        // The shared world's Messenger API is a closed port.
        const page = '104857600000091';
        await c.w.gw.graphql(
          `mutation($p: String!) { connectIntegration(input: { messenger: { pageId: $p } }) { errorCode } }`,
          { p: page },
          c.org.admin,
        );
        const meta = new MessengerWebhookSender(c.w.gw.url, MESSENGER_APP_SECRET);
        await meta.send(
          ev.delivery([{ pageId: page, messaging: [ev.text(page, '7000000000000091', 'hello?')] }]),
        );
        const [row] = await pollUntil(
          () => c.w.gw.db('conversations').where({ organization_id: c.org.id }),
          (r) => r.length > 0,
        );
        const admin = c.org.admin;
        const key = randomUUID();
        const send = () =>
          c.w.gw.graphql(
            `mutation($input: SendMessageInput!) { sendMessage(input: $input) { replayed message { id status } } }`,
            {
              input: {
                conversationId: row.id,
                content: { text: { body: 'are you there?' } },
                idempotencyKey: key,
              },
            },
            admin,
          );
        const first = await send();
        expectCode(first, 'UPSTREAM_UNAVAILABLE');
        const second = await send();
        expect(second.body.errors?.[0]?.extensions?.code ?? 'replayed').toMatch(
          /UPSTREAM_UNAVAILABLE|replayed/,
        );
        const messages = await c.w.gw
          .db('messages')
          .where({ conversation_id: row.id, direction: 'outbound' });
        expect(messages.filter((m) => m.idempotency_key === key)).toHaveLength(1);
      },
    },
  ],
});
