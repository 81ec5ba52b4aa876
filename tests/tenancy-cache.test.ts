import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

/**
 * Integration rows are cached per organization on the hot path. Every write must drop the entry at
 * once, on the embedded engine as on PostgreSQL: a stale row is a cross-tenant read once the account
 * changes hands.
 */
const ACCESS_TOKEN = 'shpat_test_token';
let sim: ShopifySimulator;
let gw: TestGateway;

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
  });
}, 120_000);
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const CONNECT = `mutation Connect($store: String!) {
  connectIntegration(input: { shopify: { storeName: $store } }) {
    integration { ... on ShopifyIntegration { storeName status } }
  }
}`;
const DISCONNECT = `mutation { disconnectIntegration(provider: SHOPIFY) { integration { ... on ShopifyIntegration { status storeName } } } }`;
const MINE = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { storeName status } } } }`;
const PRODUCTS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 1) { edges { node { id } } } } } } }`;

test('a disconnect is seen by the very next read', async () => {
  const admin = await gw.token(newOrgId(), 'admin');
  await gw.graphql(CONNECT, { store: 'read-after-disconnect' }, admin);
  // Warm the cache.
  expect((await gw.graphql(MINE, {}, admin)).body.data.organization.integration.status).toBe('CONNECTED');

  const disconnected = await gw.graphql(DISCONNECT, {}, admin);
  expect(disconnected.body.data.disconnectIntegration.integration.status).toBe('DISCONNECTED');
  for (let i = 0; i < 5; i++) {
    const read = await gw.graphql(MINE, {}, admin);
    expect(read.body.data.organization.integration).toEqual({ storeName: null, status: 'DISCONNECTED' });
  }
});

test("A disconnects a store, B claims it: A's next read is not sent to B's store", async () => {
  const adminA = await gw.token(newOrgId(), 'admin');
  const adminB = await gw.token(newOrgId(), 'admin');
  await gw.graphql(CONNECT, { store: 'sharedstore' }, adminA);
  const first = await gw.graphql(PRODUCTS, {}, adminA);
  expect(first.body.errors).toBeUndefined();

  await gw.graphql(DISCONNECT, {}, adminA);
  const claimed = await gw.graphql(CONNECT, { store: 'sharedstore' }, adminB);
  expect(claimed.body.data.connectIntegration.integration.status).toBe('CONNECTED');

  sim.reset();
  const afterwards = await gw.graphql(PRODUCTS, {}, adminA);
  expect(afterwards.body.errors?.[0]?.extensions?.code).toBe('INTEGRATION_NOT_CONNECTED');
  expect(sim.requests).toHaveLength(0);
  // B reads its store normally.
  const bRead = await gw.graphql(PRODUCTS, {}, adminB);
  expect(bRead.body.errors).toBeUndefined();
  expect(sim.requests.every((r) => r.store === 'sharedstore')).toBe(true);
});

test('a reconnect to another store is seen at once', async () => {
  const admin = await gw.token(newOrgId(), 'admin');
  await gw.graphql(CONNECT, { store: 'first-store' }, admin);
  await gw.graphql(MINE, {}, admin);
  await gw.graphql(CONNECT, { store: 'second-store' }, admin);
  const read = await gw.graphql(MINE, {}, admin);
  expect(read.body.data.organization.integration).toEqual({ storeName: 'second-store', status: 'CONNECTED' });
});
