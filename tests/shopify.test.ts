import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

const ACCESS_TOKEN = 'shpat_test_token';

let sim: ShopifySimulator;
let gw: TestGateway;
let admin: string;
let member: string;
let org: string;

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    UPSTREAM_MAX_RETRIES: '2',
  });
  org = newOrgId();
  admin = await gw.token(org, 'admin', 'shop-admin');
  member = await gw.token(org, 'member', 'shop-member');
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "acme-store" } }) { integration { ... on ShopifyIntegration { storeName status } } } }`,
    {},
    admin,
  );
  expect(body.data.connectIntegration.integration).toEqual({ storeName: 'acme-store', status: 'CONNECTED' });
});

afterEach(() => {
  // Every document the gateway sent must be valid against Shopify's published 2025-01 schema.
  expect(sim.invalidQueries).toEqual([]);
  sim.reset();
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

const shop = (fields: string) =>
  `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${fields} } } } }`;
const data = (body: any) => body.data.organization.integration;

test('products page with variants, prices and paging', async () => {
  const first = await gw.graphql(
    shop(
      `products(first: 5) { edges { cursor node { id title status variants { id price sku } } } pageInfo { hasNextPage endCursor } }`,
    ),
    {},
    member,
  );
  expect(first.body.errors).toBeUndefined();
  const page = data(first.body).products;
  expect(page.edges).toHaveLength(5);
  expect(page.edges[0].node.id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
  expect(page.edges[0].node.variants[0].price).toMatch(/^\d+\.\d{2}$/);
  expect(page.pageInfo.hasNextPage).toBe(true);

  const next = await gw.graphql(
    `query($after: String) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 5, after: $after) { edges { node { id } } } } } } }`,
    { after: page.pageInfo.endCursor },
    member,
  );
  const ids = data(next.body).products.edges.map((e: any) => e.node.id);
  expect(ids).toHaveLength(5);
  expect(ids).not.toContain(page.edges[0].node.id);
  // Every call carried the admin token to the right store and API version.
  expect(
    sim.requests.every((r) => r.store === 'acme-store' && r.path.includes('/admin/api/2025-01/graphql.json')),
  ).toBe(true);
  expect(sim.requests.every((r) => r.headers['x-shopify-access-token'] === ACCESS_TOKEN)).toBe(true);
});

test('a product by id (numeric or GID) with inventory per location', async () => {
  const { body } = await gw.graphql(
    shop(
      `product(id: "1") { id title variants { id inventoryQuantity inventoryLevels { location { id name } available onHand } } }`,
    ),
    {},
    member,
  );
  expect(body.errors).toBeUndefined();
  const product = data(body).product;
  expect(product.id).toBe('gid://shopify/Product/1');
  const levels = product.variants[0].inventoryLevels;
  expect(levels.length).toBeGreaterThan(0);
  expect(levels[0].location.name).toEqual(expect.any(String));
  expect(typeof levels[0].available).toBe('number');

  const missing = await gw.graphql(shop(`product(id: "gid://shopify/Product/999999") { id }`), {}, member);
  expect(data(missing.body).product).toBeNull();

  const wrongType = await gw.graphql(shop(`product(id: "gid://shopify/Order/1") { id }`), {}, member);
  expect(wrongType.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

test('order tracking: by name and by id, with fulfillment status and tracking numbers', async () => {
  const list = await gw.graphql(
    shop(
      `orders(first: 40) { edges { node { id name fulfillmentStatus fulfillments { trackingInfo { number url company } } } } }`,
    ),
    {},
    member,
  );
  const orders = data(list.body).orders.edges.map((e: any) => e.node);
  const tracked = orders.find((o: any) => o.fulfillments.some((f: any) => f.trackingInfo.length > 0));
  expect(tracked).toBeDefined();

  const byName = await gw.graphql(
    `query($name: String) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { order(name: $name) { id name fulfillmentStatus statusPageUrl total { amount currencyCode } fulfillments { status trackingInfo { number url company } } } } } } }`,
    { name: tracked.name },
    member,
  );
  expect(byName.body.errors).toBeUndefined();
  const order = data(byName.body).order;
  expect(order.id).toBe(tracked.id);
  expect(order.fulfillments.flatMap((f: any) => f.trackingInfo)[0].number).toEqual(expect.any(String));

  const byId = await gw.graphql(
    `query($id: ID) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { order(id: $id) { name } } } } }`,
    { id: tracked.id },
    member,
  );
  expect(data(byId.body).order.name).toBe(tracked.name);
});

test('20 orders with their customers cost exactly two Shopify calls', async () => {
  const before = sim.graphqlCalls();
  const { body } = await gw.graphql(
    shop(`orders(first: 20) { edges { node { id customer { id email displayName } } } }`),
    {},
    member,
  );
  expect(body.errors).toBeUndefined();
  const edges = data(body).orders.edges;
  expect(edges).toHaveLength(20);
  expect(edges.filter((e: any) => e.node.customer?.email).length).toBeGreaterThan(10);
  expect(sim.graphqlCalls() - before).toBe(2);
  const batch = sim.requests.at(-1)!;
  expect(batch.query).toMatch(/nodes\(ids: \$ids\)/);
  // The batch asks for each customer once, however many orders share it.
  const ids = (batch.variables as { ids: string[] }).ids;
  expect(new Set(ids).size).toBe(ids.length);
});

test('customers list, one customer, and their orders', async () => {
  const list = await gw.graphql(
    shop(
      `customers(first: 3, query: "") { edges { node { id email numberOfOrders amountSpent { amount } } } }`,
    ),
    {},
    member,
  );
  expect(list.body.errors).toBeUndefined();
  const first = data(list.body).customers.edges[0].node;
  const one = await gw.graphql(
    `query($id: ID!) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { customer(id: $id) { id email orders(first: 3) { name } } } } } }`,
    { id: first.id },
    member,
  );
  expect(one.body.errors).toBeUndefined();
  expect(data(one.body).customer.email).toBe(first.email);
});

test('locations and draft orders list', async () => {
  const { body } = await gw.graphql(
    shop(
      `locations { edges { node { id name isActive } } } draftOrders(first: 3) { edges { node { id name status invoiceUrl } } }`,
    ),
    {},
    member,
  );
  expect(body.errors).toBeUndefined();
  expect(data(body).locations.edges.length).toBeGreaterThan(0);
  expect(data(body).draftOrders.edges.length).toBeGreaterThan(0);
});

const CREATE_DRAFT = `mutation($input: CreateShopifyDraftOrderInput!) {
  createShopifyDraftOrder(input: $input) { draftOrder { id name status invoiceUrl total { amount currencyCode } } }
}`;

test('an admin creates a draft order and gets its invoice URL; it is audited', async () => {
  const { body } = await gw.graphql(
    CREATE_DRAFT,
    { input: { lineItems: [{ variantId: '1', quantity: 2 }], email: 'shopper@example.com' } },
    admin,
  );
  expect(body.errors).toBeUndefined();
  const draft = body.data.createShopifyDraftOrder.draftOrder;
  expect(draft.invoiceUrl).toMatch(/^https:\/\/acme-store\.myshopify\.com\//);
  expect(draft.status).toBe('OPEN');
  const mutation = sim.requests.find((r) => r.query?.includes('draftOrderCreate'));
  expect(mutation?.variables).toEqual({
    input: {
      lineItems: [{ variantId: 'gid://shopify/ProductVariant/1', quantity: 2 }],
      email: 'shopper@example.com',
    },
  });

  const log = await gw.graphql(
    `{ organization { auditLog(first: 1) { edges { node { action outcome provider accountKey actorId } } } } }`,
    {},
    member,
  );
  expect(log.body.data.organization.auditLog.edges[0].node).toEqual({
    action: 'shopify.draft_order.create',
    outcome: 'OK',
    provider: 'SHOPIFY',
    accountKey: 'acme-store',
    actorId: 'shop-admin',
  });
});

test('draft order refusals: member FORBIDDEN (audited, no Shopify call), bad input, Shopify userErrors', async () => {
  const calls = sim.graphqlCalls();
  const denied = await gw.graphql(
    CREATE_DRAFT,
    { input: { lineItems: [{ variantId: '1', quantity: 1 }] } },
    member,
  );
  expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(sim.graphqlCalls()).toBe(calls);

  const zero = await gw.graphql(
    CREATE_DRAFT,
    { input: { lineItems: [{ variantId: '1', quantity: 0 }] } },
    admin,
  );
  expect(zero.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const empty = await gw.graphql(CREATE_DRAFT, { input: { lineItems: [] } }, admin);
  expect(empty.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

  const unknown = await gw.graphql(
    CREATE_DRAFT,
    { input: { lineItems: [{ variantId: '99999999', quantity: 1 }] } },
    admin,
  );
  expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(unknown.body.errors?.[0]?.message).toMatch(/Shopify refused the draft order/);

  const log = await gw.graphql(
    `{ organization { auditLog(first: 4) { edges { node { action outcome errorCode actorId } } } } }`,
    {},
    member,
  );
  expect(log.body.data.organization.auditLog.edges.map((e: any) => e.node.errorCode)).toEqual([
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
    'FORBIDDEN',
  ]);
});

test('cart link from GIDs and numeric ids, on the public store domain', async () => {
  const { body } = await gw.graphql(
    `query($lines: [CartLineInput!]!) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { cartLink(lines: $lines) } } } }`,
    {
      lines: [
        { variantId: 'gid://shopify/ProductVariant/11', quantity: 2 },
        { variantId: '12', quantity: 1 },
      ],
    },
    member,
  );
  expect(body.errors).toBeUndefined();
  expect(data(body).cartLink).toBe('https://acme-store.myshopify.com/cart/11:2,12:1');

  const bad = await gw.graphql(
    `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { cartLink(lines: [{ variantId: "gid://shopify/Product/1", quantity: 1 }]) } } } }`,
    {},
    member,
  );
  expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

describe('upstream failures', () => {
  const PRODUCTS = shop(`products(first: 2) { edges { node { id } } }`);

  test('401: UPSTREAM_AUTH_FAILED, integration in ERROR with a readable message, no upstream body', async () => {
    sim.failNext({ status: 401 });
    const { body } = await gw.graphql(PRODUCTS, {}, member);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/Invalid API key|shpat_/);
    const status = await gw.graphql(shop(`status errorMessage`), {}, member);
    expect(data(status.body)).toEqual({
      status: 'ERROR',
      errorMessage: expect.stringMatching(/Shopify rejected/),
    });

    // A successful test brings it back.
    const test = await gw.graphql(
      `mutation { testIntegration(provider: SHOPIFY) { integration { ... on ShopifyIntegration { status errorMessage lastSyncedAt } } } }`,
      {},
      admin,
    );
    expect(test.body.data.testIntegration.integration).toEqual({
      status: 'CONNECTED',
      errorMessage: null,
      lastSyncedAt: expect.any(String),
    });
  });

  test('an integration in ERROR after an auth failure is cleared by the next call Shopify accepts', async () => {
    sim.failNext({ status: 401 });
    await gw.graphql(PRODUCTS, {}, member);
    expect(data((await gw.graphql(shop(`status`), {}, member)).body).status).toBe('ERROR');

    const ok = await gw.graphql(PRODUCTS, {}, member);
    expect(ok.body.errors).toBeUndefined();
    const after = await gw.graphql(shop(`status errorMessage syncStatus lastSyncedAt`), {}, member);
    expect(data(after.body)).toEqual({
      status: 'CONNECTED',
      errorMessage: null,
      syncStatus: 'ok',
      lastSyncedAt: expect.any(String),
    });
  });

  test('testIntegration against a failing store reports the failure in words and audits it', async () => {
    sim.failNext({ status: 403 });
    const { body } = await gw.graphql(
      `mutation { testIntegration(provider: SHOPIFY) { errorCode integration { ... on ShopifyIntegration { status errorMessage } } } }`,
      {},
      admin,
    );
    expect(body.data.testIntegration.errorCode).toBe('UPSTREAM_AUTH_FAILED');
    expect(body.data.testIntegration.integration.status).toBe('ERROR');
    expect(body.data.testIntegration.integration.errorMessage).toMatch(/credentials/);
    const log = await gw.graphql(
      `{ organization { auditLog(first: 1) { edges { node { action outcome errorCode } } } } }`,
      {},
      member,
    );
    expect(log.body.data.organization.auditLog.edges[0].node).toEqual({
      action: 'integration.test',
      outcome: 'ERROR',
      errorCode: 'UPSTREAM_AUTH_FAILED',
    });
    await gw.graphql(
      `mutation { testIntegration(provider: SHOPIFY) { integration { __typename } } }`,
      {},
      admin,
    );
  });

  test('429 with Retry-After is retried and then succeeds', async () => {
    sim.failNext({ status: 429, retryAfter: '0' });
    const { body } = await gw.graphql(PRODUCTS, {}, member);
    expect(body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBe(2);
  });

  test('GraphQL throttling (HTTP 200, THROTTLED) is waited out', async () => {
    sim.throttleNext(1);
    const { body } = await gw.graphql(PRODUCTS, {}, member);
    expect(body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBe(2);
  });

  test('persistent 503 becomes UPSTREAM_UNAVAILABLE after bounded retries', async () => {
    sim.failNext({ status: 503, times: 10 });
    const { body } = await gw.graphql(PRODUCTS, {}, member);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sim.graphqlCalls()).toBe(3);
  });

  test('a mutation is not retried after a 5xx (it may have happened)', async () => {
    sim.failNext({ status: 502 });
    const { body } = await gw.graphql(
      CREATE_DRAFT,
      { input: { lineItems: [{ variantId: '1', quantity: 1 }] } },
      admin,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sim.graphqlCalls()).toBe(1);
  });

  test('a provider slower than the deadline: UPSTREAM_UNAVAILABLE within the deadline', async () => {
    sim.failNext({ status: 200, delayMs: 5000, times: 5 });
    const started = Date.now();
    const { body } = await gw.graphql(PRODUCTS, {}, member);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(4500);
  });
});

test('another organization can neither claim nor read the store', async () => {
  const intruderOrg = newOrgId();
  const intruder = await gw.token(intruderOrg, 'admin');
  const claim = await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "acme-store" } }) { integration { __typename } } }`,
    {},
    intruder,
  );
  expect(claim.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
  const calls = sim.graphqlCalls();
  const read = await gw.graphql(shop(`products(first: 1) { edges { node { id } } }`), {}, intruder);
  expect(read.body.errors?.[0]?.extensions?.code).toBe('INTEGRATION_NOT_CONNECTED');
  expect(sim.graphqlCalls()).toBe(calls);
  // Even naming the organization by id does not help a non-platform admin.
  const byId = await gw.graphql(`query($id: ID) { organization(id: $id) { id } }`, { id: org }, intruder);
  expect(byId.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
