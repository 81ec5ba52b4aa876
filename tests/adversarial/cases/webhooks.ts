/**
 * Webhook forgery, replay and duplication: an unauthenticated endpoint that writes to the database,
 * so a forged delivery must store nothing and a genuine one must be stored and processed once.
 */
import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { PROVIDERS_CONFIGURED_OFFLINE } from '../../support/harness';
import { MessengerWebhookSender, messengerEvents as ev, newMid } from '../../support/messenger-simulator';
import { deliverStripeEvent, stripeEvent } from '../../support/stripe-events';
import { ShopifyWebhookSender, shopifyPayloads } from '../../support/shopify-webhooks';
import { defineCategory } from '../support/catalogue';
import { expectCleanLog, expectNoLeak, pollUntil, sleep } from '../support/checks';
import {
  MESSENGER_APP_SECRET,
  SHOPIFY_WEBHOOK_SECRET,
  STRIPE_WEBHOOK_SECRET,
  sharedWorld,
  type Org,
  type World,
} from '../support/world';

interface Ctx {
  w: World;
  org: Org;
  shopify: ShopifyWebhookSender;
  meta: MessengerWebhookSender;
}

const STORE = 'hook-store';
const PAGE = '104857600000081';

const events = (w: World, provider: string, providerEventId: string) =>
  w.gw.db('webhook_events').where({ provider, provider_event_id: providerEventId });

/** Refused with `status` and the code in the JSON body; stored nowhere; the payload's marker not logged. */
async function refused(
  c: Ctx,
  res: { status: number; body: any },
  status: number,
  marker?: string,
  mark = 0,
) {
  expect(res.status).toBe(status);
  expectNoLeak(JSON.stringify(res.body ?? ''), 'the answer', { forbidden: [marker] });
  if (marker) expectCleanLog(c.w.logsSince(mark), [marker]);
}

const order = (marker: string) => ({ ...shopifyPayloads.order(7001, { id: 71, email: marker }) });

export const webhookCases = defineCategory<Ctx>({
  category: 'webhooks',
  async setup() {
    const w = await sharedWorld();
    const org = await w.org();
    for (const input of [{ shopify: { storeName: STORE } }, { messenger: { pageId: PAGE } }]) {
      const { body } = await w.gw.graphql(
        `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { errorCode } }`,
        { input },
        org.admin,
      );
      if (body.errors) throw new Error(`set-up: ${JSON.stringify(body.errors)}`);
    }
    return {
      w,
      org,
      shopify: new ShopifyWebhookSender(w.gw.url, SHOPIFY_WEBHOOK_SECRET),
      meta: new MessengerWebhookSender(w.gw.url, MESSENGER_APP_SECRET),
    };
  },
  teardown: async () => {},
  cases: [
    {
      name: 'Shopify delivery signed with another secret',
      expected: 'HTTP 401 UNAUTHENTICATED, not stored, body not logged',
      async run(c) {
        const mark = c.w.logs.length;
        const marker = `forged-${randomUUID()}@example.com`;
        const signed = c.shopify.sign(
          { topic: 'orders/create', shop: STORE, payload: order(marker) },
          'not-the-secret',
        );
        const res = await c.shopify.post(signed.headers, signed.body);
        await refused(c, res, 401, marker, mark);
        expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(await events(c.w, 'shopify', signed.headers['x-shopify-webhook-id']!)).toHaveLength(0);
      },
    },
    {
      name: 'Shopify delivery re-serialized after signing (same JSON, other bytes)',
      expected: 'HTTP 401, not stored',
      async run(c) {
        const marker = `tampered-${randomUUID()}`;
        const signed = c.shopify.sign({ topic: 'orders/create', shop: STORE, payload: order(marker) });
        const res = await c.shopify.post(signed.headers, JSON.stringify(JSON.parse(signed.body), null, 1));
        await refused(c, res, 401, marker);
        expect(await events(c.w, 'shopify', signed.headers['x-shopify-webhook-id']!)).toHaveLength(0);
      },
    },
    {
      name: 'Shopify delivery with its signature header removed, or an empty one',
      expected: 'HTTP 401',
      async run(c) {
        const signed = c.shopify.sign({ topic: 'orders/create', shop: STORE, payload: order('x') });
        const { ['x-shopify-hmac-sha256']: _dropped, ...unsigned } = signed.headers;
        await refused(c, await c.shopify.post(unsigned, signed.body), 401);
        await refused(
          c,
          await c.shopify.post({ ...signed.headers, 'x-shopify-hmac-sha256': '' }, signed.body),
          401,
        );
      },
    },
    {
      name: 'Shopify delivery signed but naming no shop',
      expected: 'HTTP 400 BAD_USER_INPUT, not stored',
      async run(c) {
        const signed = c.shopify.sign({ topic: 'orders/create', shop: STORE, payload: order('x') });
        const { ['x-shopify-shop-domain']: _dropped, ...headers } = signed.headers;
        const res = await c.shopify.post(headers, signed.body);
        await refused(c, res, 400);
        expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(await events(c.w, 'shopify', signed.headers['x-shopify-webhook-id']!)).toHaveLength(0);
      },
    },
    {
      name: 'Shopify delivery replayed three times, one after another',
      expected: 'HTTP 200 each, stored once, processed once',
      async run(c) {
        const signed = c.shopify.sign({
          topic: 'orders/updated',
          shop: STORE,
          payload: order('replay@example.com'),
        });
        for (let i = 0; i < 3; i++)
          expect((await c.shopify.post(signed.headers, signed.body)).status).toBe(200);
        const id = signed.headers['x-shopify-webhook-id']!;
        const rows = await pollUntil(
          () => events(c.w, 'shopify', id),
          (r) => r[0]?.state === 'done',
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ state: 'done', attempts: 1, organization_id: c.org.id });
      },
    },
    {
      name: 'twenty copies of one Shopify delivery at once',
      expected: 'HTTP 200 each, one row, processed once',
      async run(c) {
        const sent = await c.shopify.sendCopies(
          { topic: 'orders/updated', shop: STORE, payload: order('copies@example.com') },
          20,
        );
        expect(sent.every((s) => s.status === 200)).toBe(true);
        const rows = await pollUntil(
          () => events(c.w, 'shopify', sent[0]!.webhookId),
          (r) => r[0]?.state === 'done',
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].attempts).toBe(1);
      },
    },
    {
      name: 'Shopify delivery for a shop domain outside myshopify.com',
      expected: 'routed to no organization',
      async run(c) {
        const sent = await c.shopify.send({
          topic: 'orders/create',
          shop: `${STORE}.evil.example.com`,
          payload: order('x'),
        });
        expect([200, 400]).toContain(sent.status);
        const rows = await events(c.w, 'shopify', sent.webhookId);
        expect(rows.every((r) => r.organization_id === null)).toBe(true);
      },
    },
    {
      name: 'Messenger delivery with a forged signature, and with only the SHA-1 header',
      expected: 'HTTP 401, no conversation',
      async run(c) {
        const mark = c.w.logs.length;
        const marker = `forged-text-${randomUUID()}`;
        const payload = ev.delivery([
          { pageId: PAGE, messaging: [ev.text(PAGE, '7000000000000081', marker)] },
        ]);
        const signed = c.meta.sign(payload, 'not-the-app-secret');
        await refused(c, await c.meta.post(signed.headers, signed.body), 401, marker, mark);
        const sha1 = {
          'content-type': 'application/json',
          'x-hub-signature': 'sha1=0000000000000000000000000000000000000000',
        };
        await refused(c, await c.meta.post(sha1, signed.body), 401, marker, mark);
        expect(await c.w.gw.db('messages').where({ organization_id: c.org.id, text: marker })).toHaveLength(
          0,
        );
      },
    },
    {
      name: 'one Messenger message id in two different deliveries',
      expected: 'one message stored',
      async run(c) {
        const mid = newMid();
        const text = `twice-${randomUUID()}`;
        for (const psid of ['7000000000000082', '7000000000000082']) {
          const res = await c.meta.send(
            ev.delivery([{ pageId: PAGE, messaging: [ev.text(PAGE, psid, text, mid)] }]),
          );
          expect(res.status).toBe(200);
        }
        await sleep(300);
        const rows = await pollUntil(
          () => c.w.gw.db('messages').where({ organization_id: c.org.id, text }),
          (r) => r.length > 0,
        );
        expect(rows).toHaveLength(1);
      },
    },
    {
      name: 'a Stripe event signed six minutes ago (outside the tolerance), and a processed one sent again',
      expected: 'HTTP 401 for the stale one; the repeat stored once',
      async run(c) {
        const stale = stripeEvent('customer.updated', { id: 'cus_adversarial', object: 'customer' });
        expect(
          await deliverStripeEvent(c.w.gw, stale, {
            secret: STRIPE_WEBHOOK_SECRET,
            timestamp: Math.floor(Date.now() / 1000) - 360,
          }),
        ).toBe(401);
        expect(await events(c.w, 'stripe', stale.id)).toHaveLength(0);
        const fresh = stripeEvent('customer.updated', { id: 'cus_adversarial', object: 'customer' });
        for (let i = 0; i < 2; i++)
          expect(await deliverStripeEvent(c.w.gw, fresh, { secret: STRIPE_WEBHOOK_SECRET })).toBe(200);
        expect(await events(c.w, 'stripe', fresh.id)).toHaveLength(1);
      },
    },
    {
      name: 'a WhatsApp (Twilio) callback unsigned, and signed for another URL',
      expected: 'HTTP 401, not stored',
      async run(c) {
        const sid = `SM${randomUUID().replaceAll('-', '')}`;
        const params = {
          MessageSid: sid,
          From: 'whatsapp:+14155550100',
          To: 'whatsapp:+14155238886',
          Body: 'hi',
          AccountSid: PROVIDERS_CONFIGURED_OFFLINE.TWILIO_ACCOUNT_SID,
        };
        const form = new URLSearchParams(params).toString();
        const post = (headers: Record<string, string>) =>
          fetch(`${c.w.gw.url}/webhooks/twilio`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
            body: form,
          });
        expect((await post({})).status).toBe(401);
        const elsewhere = twilio.getExpectedTwilioSignature(
          PROVIDERS_CONFIGURED_OFFLINE.TWILIO_AUTH_TOKEN,
          `${c.w.gw.url}/webhooks/other`,
          params,
        );
        const res = await post({ 'x-twilio-signature': elsewhere });
        expect(res.status).toBe(401);
        expectNoLeak(await res.text(), 'the answer');
        expect(await events(c.w, 'whatsapp', sid)).toHaveLength(0);
      },
    },
    {
      name: 'an unknown provider, and a 2 MB delivery',
      expected: 'HTTP 404 NOT_FOUND; HTTP 413',
      async run(c) {
        const unknown = await fetch(`${c.w.gw.url}/webhooks/evil`, { method: 'POST', body: '{}' });
        expect(unknown.status).toBe(404);
        expectNoLeak(await unknown.text(), 'the answer');
        const signed = c.shopify.sign({
          topic: 'orders/create',
          shop: STORE,
          payload: { pad: 'x'.repeat(2_000_000) },
        });
        const big = await fetch(`${c.w.gw.url}/webhooks/shopify`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body,
        });
        expect(big.status).toBe(413);
        expectNoLeak(await big.text(), 'the answer');
      },
    },
  ],
});
