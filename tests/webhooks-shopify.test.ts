import { Writable } from 'node:stream';
import pino from 'pino';
import { shopifyWebhooks } from '../src/webhooks/shopify.webhook';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';
import { ShopifyWebhookSender, shopifyPayloads } from './support/shopify-webhooks';
import {
  WEBHOOK_EVENTS,
  connectShopify,
  settledEvent,
  storedEvents,
  waitFor,
} from './support/webhook-helpers';

const SECRET = 'shopify-webhook-secret-for-tests';
const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let gw: TestGateway;
let shopify: ShopifyWebhookSender;
const logLines: string[] = [];

beforeAll(async () => {
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  gw = await startTestGateway(
    {
      ...PROVIDERS_CONFIGURED_OFFLINE,
      SHOPIFY_WEBHOOK_SECRET: SECRET,
      JOBS_POLL_INTERVAL_MS: '50',
      JOBS_BACKOFF_BASE_MS: '20',
      JOBS_MAX_ATTEMPTS: '3',
    },
    { logger: pino({ level: 'info' }, capture) },
  );
  shopify = new ShopifyWebhookSender(gw.url, SECRET);
});
afterAll(() => gw.close());

const ORDER = shopifyPayloads.order(1001, { id: 77, email: 'ada@example.com' });

describe(`verification (${ENGINE})`, () => {
  test('GET on a provider without a subscription handshake is 404, as JSON', async () => {
    const res = await fetch(`${gw.url}/webhooks/shopify`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  test('a forged, tampered or differently signed delivery is refused with 401, stored nowhere and logged without its body', async () => {
    const marker = `secret-customer-${Date.now()}@example.com`;
    const delivery = { topic: 'orders/updated', shop: 'forged-store', payload: { ...ORDER, email: marker } };
    const signed = shopify.sign(delivery);
    const attempts = [
      // Signed with another secret.
      shopify.sign(delivery, 'not-the-app-secret'),
      // The body changed after signing.
      { headers: signed.headers, body: signed.body.replace('1001', '1002') },
      // No signature at all.
      { headers: { ...signed.headers, 'x-shopify-hmac-sha256': '' }, body: signed.body },
      // A signature of the wrong length (timingSafeEqual would throw without the length check).
      { headers: { ...signed.headers, 'x-shopify-hmac-sha256': 'abc' }, body: signed.body },
    ];
    for (const attempt of attempts) {
      const res = await shopify.post(attempt.headers, attempt.body);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await storedEvents(gw, attempt.headers['x-shopify-webhook-id']!)).toHaveLength(0);
    }
    const warnings = logLines.filter((line) => line.includes('webhook signature rejected'));
    expect(warnings.length).toBeGreaterThanOrEqual(4);
    expect(logLines.join('\n')).not.toContain(marker);
  });

  test('a signed delivery without a webhook id, topic or shop domain is refused with 400 and not stored', async () => {
    for (const missing of ['x-shopify-webhook-id', 'x-shopify-topic', 'x-shopify-shop-domain']) {
      const signed = shopify.sign({ topic: 'orders/updated', shop: 'store-x', payload: ORDER });
      const headers = { ...signed.headers };
      delete headers[missing];
      expect((await shopify.post(headers, signed.body)).status).toBe(400);
    }
    expect(await gw.db('webhook_events').where({ account_key: 'store-x' })).toHaveLength(0);
  });

  test('unknown providers and providers without webhooks answer 404; oversized bodies 413', async () => {
    const signed = shopify.sign({ topic: 'orders/updated', shop: 'store-y', payload: ORDER });
    expect((await shopify.post(signed.headers, signed.body, '/webhooks/nope')).status).toBe(404);
    expect((await shopify.post(signed.headers, signed.body, '/webhooks/klaviyo')).status).toBe(404);
    // Messenger has webhooks: a Shopify signature is not Meta's.
    expect((await shopify.post(signed.headers, signed.body, '/api/webhooks/messenger')).status).toBe(401);
    const huge = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
    const big = shopify.sign({ topic: 'orders/updated', shop: 'store-y', payload: JSON.parse(huge) });
    expect((await shopify.post(big.headers, big.body)).status).toBe(413);
  });
});

describe(`inbox (${ENGINE})`, () => {
  test('a retried delivery, and ten copies at once, are acknowledged and stored and processed once', async () => {
    const org = newOrgId();
    await connectShopify(gw, await gw.token(org, 'admin'), 'dupe-store');
    const first = await shopify.send({ topic: 'orders/updated', shop: 'dupe-store', payload: ORDER });
    const retry = await shopify.send({
      topic: 'orders/updated',
      shop: 'dupe-store',
      payload: ORDER,
      webhookId: first.webhookId,
    });
    expect([first.status, retry.status]).toEqual([200, 200]);

    const copies = await shopify.sendCopies(
      { topic: 'orders/updated', shop: 'dupe-store', payload: ORDER },
      10,
    );
    expect(copies.map((c) => c.status)).toEqual(Array(10).fill(200));

    for (const id of [first.webhookId, copies[0]!.webhookId]) {
      const row = await settledEvent(gw, id);
      expect(row).toMatchObject({
        state: 'done',
        attempts: 1,
        organization_id: org,
        account_key: 'dupe-store',
      });
      expect(await storedEvents(gw, id)).toHaveLength(1);
      const jobs = await gw.db('jobs').whereRaw(`payload ->> 'eventId' = ?`, [row.id]);
      expect(jobs).toHaveLength(1);
    }
  });

  test('an event for a store nobody connected is unrouted: a platform admin sees it, an organization admin does not', async () => {
    const sent = await shopify.send({ topic: 'orders/updated', shop: 'nobodys-store', payload: ORDER });
    expect(sent.status).toBe(200);
    expect(await settledEvent(gw, sent.webhookId)).toMatchObject({
      state: 'unrouted',
      organization_id: null,
    });

    const platform = await gw.token(newOrgId(), 'platform_admin');
    const UNROUTED = `{ unroutedWebhookEvents(first: 100) { edges { node { id topic state } } } }`;
    const seen = await gw.graphql(UNROUTED, {}, platform);
    expect(seen.body.data.unroutedWebhookEvents.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([expect.objectContaining({ topic: 'orders/updated', state: 'UNROUTED' })]),
    );

    const admin = await gw.token(newOrgId(), 'admin');
    const refused = await gw.graphql(UNROUTED, {}, admin);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await gw.graphql(WEBHOOK_EVENTS, {}, admin);
    expect(own.body.data.organization.webhookEvents.edges).toEqual([]);
  });

  test('an admin lists the organization’s events by state; a member may not; payloads are not exposed', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'listed-store');
    const sent = await shopify.send({ topic: 'products/update', shop: 'listed-store', payload: { id: 5 } });
    const other = await shopify.send({ topic: 'carts/create', shop: 'listed-store', payload: { id: 6 } });
    await settledEvent(gw, sent.webhookId);
    await settledEvent(gw, other.webhookId);

    const all = await gw.graphql(WEBHOOK_EVENTS, {}, admin);
    expect(
      all.body.data.organization.webhookEvents.edges.map((e: any) => [e.node.topic, e.node.state]),
    ).toEqual([
      ['carts/create', 'UNSUPPORTED'],
      ['products/update', 'DONE'],
    ]);
    const done = await gw.graphql(WEBHOOK_EVENTS, { state: 'DONE' }, admin);
    expect(done.body.data.organization.webhookEvents.edges).toHaveLength(1);
    expect(done.body.data.organization.webhookEvents.edges[0].node).toMatchObject({
      provider: 'SHOPIFY',
      attempts: 1,
      lastError: null,
    });

    const member = await gw.graphql(WEBHOOK_EVENTS, {}, await gw.token(org, 'member'));
    expect(member.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const payload = await gw.graphql(
      `{ organization { webhookEvents { edges { node { payload } } } } }`,
      {},
      admin,
    );
    expect(payload.status).toBe(400);
  });

  test('a failing handler is retried with backoff, then dead after the last attempt; a replay runs it again', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'failing-store');
    const spy = jest.spyOn(shopifyWebhooks, 'handle').mockRejectedValue(new Error('SELECT secret FROM boom'));
    let sent;
    try {
      sent = await shopify.send({ topic: 'orders/updated', shop: 'failing-store', payload: ORDER });
      const dead = await waitFor(
        () => storedEvents(gw, sent!.webhookId),
        (rows) => rows[0]?.state === 'dead',
      );
      expect(dead[0]).toMatchObject({ state: 'dead', attempts: 3 });
      expect(spy).toHaveBeenCalledTimes(3);
      const [job] = await gw.db('jobs').whereRaw(`payload ->> 'eventId' = ?`, [dead[0].id]);
      expect(job).toMatchObject({ state: 'dead', attempts: 3 });
    } finally {
      spy.mockRestore();
    }

    const listed = await gw.graphql(WEBHOOK_EVENTS, { state: 'DEAD' }, admin);
    const node = listed.body.data.organization.webhookEvents.edges[0].node;
    // The driver's words (SQL) stay in the log.
    expect(node).toMatchObject({
      state: 'DEAD',
      attempts: 3,
      lastError: 'Processing failed (internal error).',
    });

    const replay = await gw.graphql(
      `mutation($id: ID!) { replayWebhookEvent(id: $id) { event { id state } } }`,
      { id: node.id },
      admin,
    );
    expect(replay.body.data.replayWebhookEvent.event.id).toBe(node.id);
    expect(await settledEvent(gw, sent.webhookId)).toMatchObject({
      state: 'done',
      attempts: 4,
      last_error: null,
    });
    expect(await gw.auditLog(admin, 1, 'action outcome provider accountKey')).toEqual([
      { action: 'webhook.replay', outcome: 'OK', provider: 'SHOPIFY', accountKey: 'failing-store' },
    ]);
  });

  test('replay: another organization’s admin gets NOT_FOUND, a member FORBIDDEN, both audited; a platform admin re-routes an unrouted event', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'replay-store');
    const sent = await shopify.send({ topic: 'orders/updated', shop: 'replay-store', payload: ORDER });
    const row = await settledEvent(gw, sent.webhookId);
    const REPLAY = `mutation($id: ID!) { replayWebhookEvent(id: $id) { event { id state } } }`;

    const stranger = await gw.token(newOrgId(), 'admin');
    const notFound = await gw.graphql(REPLAY, { id: row.id }, stranger);
    expect(notFound.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await gw.auditLog(stranger, 1, 'action outcome errorCode')).toEqual([
      { action: 'webhook.replay', outcome: 'ERROR', errorCode: 'NOT_FOUND' },
    ]);
    const member = await gw.token(org, 'member');
    const forbidden = await gw.graphql(REPLAY, { id: row.id }, member);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await gw.auditLog(member, 1, 'action outcome errorCode')).toEqual([
      { action: 'webhook.replay', outcome: 'DENIED', errorCode: 'FORBIDDEN' },
    ]);
    expect((await gw.graphql(REPLAY, { id: 'not-a-uuid' }, admin)).body.errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );

    // Unrouted until the store is connected; the platform admin's replay routes it.
    const early = await shopify.send({ topic: 'orders/updated', shop: 'late-store', payload: ORDER });
    const unrouted = await settledEvent(gw, early.webhookId);
    expect(unrouted.state).toBe('unrouted');
    const lateOrg = newOrgId();
    await connectShopify(gw, await gw.token(lateOrg, 'admin'), 'late-store');
    expect((await gw.graphql(REPLAY, { id: unrouted.id }, admin)).body.errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    const platform = await gw.token(newOrgId(), 'platform_admin');
    expect((await gw.graphql(REPLAY, { id: unrouted.id }, platform)).body.errors).toBeUndefined();
    expect(await settledEvent(gw, early.webhookId)).toMatchObject({
      state: 'done',
      organization_id: lateOrg,
    });
  });
});

describe(`Shopify topics (${ENGINE})`, () => {
  test('app/uninstalled turns the store’s integration to ERROR with a message saying so', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'leaving-store');
    const sent = await shopify.send({
      topic: 'app/uninstalled',
      shop: 'Leaving-Store.myshopify.com',
      payload: shopifyPayloads.appUninstalled('leaving-store'),
    });
    expect(sent.status).toBe(200);
    expect(await settledEvent(gw, sent.webhookId)).toMatchObject({ state: 'done', organization_id: org });
    const { body } = await gw.graphql(
      `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { status errorMessage } } } }`,
      {},
      admin,
    );
    expect(body.data.organization.integration).toEqual({
      status: 'ERROR',
      errorMessage:
        'The Switchboard app was removed from this Shopify store; reinstall it, then test the connection.',
    });
  });

  test('shop/redact replaces every stored payload of the store and is audited', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'redact-shop');
    const order = await shopify.send({ topic: 'orders/updated', shop: 'redact-shop', payload: ORDER });
    await settledEvent(gw, order.webhookId);
    const bystander = await shopify.send({ topic: 'orders/updated', shop: 'dupe-store', payload: ORDER });
    await settledEvent(gw, bystander.webhookId);

    const redact = await shopify.send({
      topic: 'shop/redact',
      shop: 'redact-shop',
      payload: shopifyPayloads.shopRedact('redact-shop'),
    });
    expect(await settledEvent(gw, redact.webhookId)).toMatchObject({ state: 'done' });
    const payloads = await gw.db('webhook_events').where({ account_key: 'redact-shop' }).select('payload');
    expect(payloads.map((r) => r.payload)).toEqual([{ redacted: true }, { redacted: true }]);
    // Another store's events are untouched.
    expect((await settledEvent(gw, bystander.webhookId)).payload).toEqual(ORDER);
    expect(await gw.auditLog(admin, 1, 'action outcome provider accountKey actorId actorRole')).toEqual([
      {
        action: 'shopify.shop_redact',
        outcome: 'OK',
        provider: 'SHOPIFY',
        accountKey: 'redact-shop',
        actorId: 'webhook:shopify',
        actorRole: null,
      },
    ]);
  });

  test('customers/redact redacts the events about that customer only, and is audited', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'redact-customer');
    const ada = { id: 501, email: 'Ada@Example.com' };
    const bob = { id: 502, email: 'bob@example.com' };
    const sends = [
      { topic: 'orders/updated', payload: shopifyPayloads.order(9001, ada) },
      { topic: 'customers/update', payload: shopifyPayloads.customer(501, 'ada@example.com') },
      { topic: 'orders/updated', payload: shopifyPayloads.order(9003, bob) },
    ];
    const ids = [];
    for (const s of sends) ids.push((await shopify.send({ ...s, shop: 'redact-customer' })).webhookId);
    for (const id of ids) await settledEvent(gw, id);

    const redact = await shopify.send({
      topic: 'customers/redact',
      shop: 'redact-customer',
      payload: shopifyPayloads.customersRedact('redact-customer', ada, [9001]),
    });
    expect(await settledEvent(gw, redact.webhookId)).toMatchObject({ state: 'done' });
    const after = await Promise.all(ids.map((id) => settledEvent(gw, id)));
    expect(after.map((r) => r.payload)).toEqual([{ redacted: true }, { redacted: true }, sends[2]!.payload]);
    const [entry] = await gw.auditLog(admin, 1, 'action outcome actorId');
    expect(entry).toEqual({ action: 'shopify.customers_redact', outcome: 'OK', actorId: 'webhook:shopify' });
  });

  test('customers/data_request is recorded for the organization’s admins: an audit entry and the event', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    await connectShopify(gw, admin, 'data-request-store');
    const sent = await shopify.send({
      topic: 'customers/data_request',
      shop: 'data-request-store',
      payload: shopifyPayloads.customersDataRequest('data-request-store', {
        id: 601,
        email: 'c@example.com',
      }),
    });
    await settledEvent(gw, sent.webhookId);
    expect(await gw.auditLog(admin, 1, 'action outcome provider accountKey actorId')).toEqual([
      {
        action: 'shopify.customers_data_request',
        outcome: 'OK',
        provider: 'SHOPIFY',
        accountKey: 'data-request-store',
        actorId: 'webhook:shopify',
      },
    ]);
    // The audit arguments hold identifiers, never the customer's email (the log cannot be redacted).
    const [row] = await gw
      .db('audit_log')
      .where({ organization_id: org, action: 'shopify.customers_data_request' });
    expect(JSON.stringify(row.arguments)).not.toContain('c@example.com');
    expect(row.arguments).toMatchObject({ shopifyCustomerId: '601', dataRequestId: '9999' });
    const { body } = await gw.graphql(WEBHOOK_EVENTS, {}, admin);
    expect(body.data.organization.webhookEvents.edges[0].node).toMatchObject({
      topic: 'customers/data_request',
      state: 'DONE',
    });
  });
});

test(`without a webhook secret or app secret Shopify webhooks answer 503 PROVIDER_NOT_CONFIGURED (${ENGINE})`, async () => {
  const bare = await startTestGateway({ SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_only_token' });
  try {
    const sender = new ShopifyWebhookSender(bare.url, SECRET);
    const res = await sender.send({ topic: 'orders/updated', shop: 'any-store', payload: ORDER });
    expect(res.status).toBe(503);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(await bare.db('webhook_events')).toHaveLength(0);
  } finally {
    await bare.close();
  }
});
