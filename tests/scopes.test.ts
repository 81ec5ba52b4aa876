import { providers } from '../src/datasources/registry';
import { OPERATION_SCOPES, operationName } from '../src/datasources/shopify/shopify.scopes';
import { ALL_DOCUMENTS } from '../src/datasources/shopify/shopify.queries';
import { scopeReport } from '../src/services/provider-scopes';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  startShopifySimulator,
  type ShopifySimulator,
} from './support/shopify-simulator';

/**
 * Scope limitation (issue 14): testIntegration reads the access scopes the store's installation of
 * the platform's app holds, reports in words what a feature misses and what no feature uses, and a
 * call needing a missing scope is refused before anything reaches Shopify.
 */
const ACCESS_TOKEN = 'shpat_scopes_token';
let sim: ShopifySimulator;
let gw: TestGateway;

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
  });
});
afterEach(() => {
  expect(sim.invalidQueries).toEqual([]);
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});

const TEST = `mutation { testIntegration(provider: SHOPIFY) {
  errorCode
  integration { ... on IntegrationCommon { status } }
  scopes { readable granted missing { scope features } unused summary }
} }`;

async function connected(store: string, scopes: string[]) {
  sim.fixtures(store).accessScopes = scopes;
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  const { body } = await gw.graphql(
    `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { integration { ... on IntegrationCommon { status } } } }`,
    { s: store },
    admin,
  );
  expect(body.errors).toBeUndefined();
  return { org, admin };
}

test('a missing scope is reported in words, and a call needing it never reaches Shopify', async () => {
  const store = `no-orders-${newOrgId().slice(0, 8)}`;
  const { admin } = await connected(store, [
    'read_products',
    'write_products',
    'read_customers',
    'read_inventory',
    'read_locations',
    'read_draft_orders',
    'write_draft_orders',
  ]);

  const tested = await gw.graphql(TEST, {}, admin);
  expect(tested.body.errors).toBeUndefined();
  const payload = tested.body.data.testIntegration;
  expect(payload.errorCode).toBeNull();
  expect(payload.integration.status).toBe('CONNECTED');
  expect(payload.scopes.readable).toBe(true);
  expect(payload.scopes.missing).toEqual([{ scope: 'read_orders', features: ['Order tracking'] }]);
  expect(payload.scopes.unused).toEqual(['write_products']);
  expect(payload.scopes.summary).toEqual([
    expect.stringMatching(
      /^Missing access scope read_orders: Order tracking will not work\. A platform administrator must add it to the gateway's Shopify app/,
    ),
    expect.stringMatching(/^Granted but used by no feature of this gateway: write_products\./),
  ]);

  // Orders need read_orders: refused with its own code before any request is sent.
  const before = sim.graphqlCalls(store);
  const orders = await gw.graphql(
    `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 2) { edges { node { id } } } } } } }`,
    {},
    admin,
  );
  expect(orders.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_SCOPE_MISSING');
  expect(orders.body.errors![0]!.message).toMatch(/read_orders/);
  expect(orders.body.errors![0]!.message).toMatch(/Order tracking/);
  expect(orders.body.errors![0]!.message).toMatch(/A platform administrator must add it/);
  expect(sim.graphqlCalls(store)).toBe(before);

  // A customer's orders need read_orders as well; the customer itself does not.
  const customers = await gw.graphql(
    `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { customers(first: 1) { edges { node { id } } } } } } }`,
    {},
    admin,
  );
  expect(customers.body.errors).toBeUndefined();
  expect(customers.body.data.organization.integration.customers.edges).toHaveLength(1);
  expect(sim.graphqlCalls(store)).toBe(before + 1);

  // The connection's status is not the scope's business: still CONNECTED, no error message.
  const card = await gw.graphql(
    `{ organization { integration(provider: SHOPIFY) { ... on IntegrationCommon { status errorMessage } } } }`,
    {},
    admin,
  );
  expect(card.body.data.organization.integration).toEqual({ status: 'CONNECTED', errorMessage: null });
});

test('the scope granted later is used after the next test (the cache follows the installation)', async () => {
  const store = `regrant-${newOrgId().slice(0, 8)}`;
  const { admin } = await connected(store, ['read_products']);
  await gw.graphql(TEST, {}, admin);
  const drafts = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { draftOrders(first: 1) { edges { node { id } } } } } } }`;
  const refused = await gw.graphql(drafts, {}, admin);
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_SCOPE_MISSING');

  sim.fixtures(store).accessScopes = ['read_products', 'read_draft_orders', 'write_draft_orders'];
  const retested = await gw.graphql(TEST, {}, admin);
  expect(retested.body.data.testIntegration.scopes.missing.map((m: any) => m.scope)).toEqual([
    'read_orders',
    'read_customers',
    'read_inventory',
    'read_locations',
  ]);
  const allowed = await gw.graphql(drafts, {}, admin);
  expect(allowed.body.errors).toBeUndefined();
});

test('refused credentials drop the remembered scopes: the next call is not judged on stale grants', async () => {
  const store = `reinstalled-${newOrgId().slice(0, 8)}`;
  const { admin } = await connected(store, ['read_products']);
  await gw.graphql(TEST, {}, admin);
  const orders = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 1) { edges { node { id } } } } } } }`;
  expect((await gw.graphql(orders, {}, admin)).body.errors?.[0]?.extensions?.code).toBe(
    'PROVIDER_SCOPE_MISSING',
  );

  // The app is reinstalled with more scopes; Shopify refuses the old grant once.
  sim.fixtures(store).accessScopes = ['read_products', 'read_orders'];
  sim.failNext({ status: 401, store });
  const products = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 1) { edges { node { id } } } } } } }`;
  expect((await gw.graphql(products, {}, admin)).body.errors?.[0]?.extensions?.code).toBe(
    'UPSTREAM_AUTH_FAILED',
  );

  const before = sim.graphqlCalls(store);
  const again = await gw.graphql(orders, {}, admin);
  expect(again.body.errors).toBeUndefined();
  expect(sim.graphqlCalls(store)).toBe(before + 1);
});

test("with the client-credentials grant the token's own scope is enough: no test needed before refusing", async () => {
  const grant = await startTestGateway({
    SHOPIFY_ADMIN_API_KEY: DEFAULT_CLIENT_ID,
    SHOPIFY_ADMIN_API_SECRET: DEFAULT_CLIENT_SECRET,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
  });
  try {
    const store = `granted-${newOrgId().slice(0, 8)}`;
    sim.fixtures(store).accessScopes = ['read_products'];
    const admin = await grant.token(newOrgId(), 'admin');
    await grant.graphql(
      `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { errorCode } }`,
      { s: store },
      admin,
    );
    const products = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 1) { edges { node { id } } } } } } }`;
    expect((await grant.graphql(products, {}, admin)).body.errors).toBeUndefined();
    const before = sim.graphqlCalls(store);
    const orders = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 1) { edges { node { id } } } } } } }`;
    const refused = await grant.graphql(orders, {}, admin);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_SCOPE_MISSING');
    expect(sim.graphqlCalls(store)).toBe(before);
  } finally {
    await grant.close();
  }
});

test('the scopes the app was granted and no feature needs are reported as unused', async () => {
  const store = `extra-${newOrgId().slice(0, 8)}`;
  const everything = providers.shopify.scopes!.requested;
  const { admin } = await connected(store, [...everything]);
  const { body } = await gw.graphql(TEST, {}, admin);
  const report = body.data.testIntegration.scopes;
  expect(report.missing).toEqual([]);
  // The seed asks for these four; no feature of this gateway writes products, orders, customers or inventory.
  expect(report.unused).toEqual(['write_products', 'write_orders', 'write_customers', 'write_inventory']);
  expect(report.summary).toHaveLength(1);
  expect(report.summary[0]).toMatch(/write_products, write_orders, write_customers, write_inventory/);
});

test('providers whose scopes cannot be read say so; the provider list documents what each feature needs', async () => {
  const { body } = await gw.graphql(
    `{ providers { provider requestedScopes featureScopes { feature scopes } } }`,
    {},
    await gw.token(newOrgId(), 'member'),
  );
  const shopify = body.data.providers.find((p: any) => p.provider === 'SHOPIFY');
  expect(shopify.requestedScopes).toContain('write_draft_orders');
  expect(shopify.featureScopes).toContainEqual({
    feature: 'Inventory checks',
    scopes: ['read_inventory', 'read_locations'],
  });
  const twilio = body.data.providers.find((p: any) => p.provider === 'WHATSAPP');
  expect(twilio).toEqual({ provider: 'WHATSAPP', requestedScopes: [], featureScopes: [] });
  const klaviyo = body.data.providers.find((p: any) => p.provider === 'KLAVIYO');
  expect(klaviyo.featureScopes).toContainEqual({
    feature: 'Segment management',
    scopes: ['segments:read', 'profiles:read'],
  });

  // Klaviyo and Kustomer keep their keys' scopes to themselves: the report says so instead of guessing.
  for (const id of ['klaviyo', 'kustomer'] as const) {
    const report = scopeReport(providers[id].displayName, providers[id].scopes, undefined)!;
    expect(report).toMatchObject({ readable: false, granted: [], missing: [], unused: [] });
    expect(report.summary[0]).toMatch(/no call that lists|documents no call that lists/);
  }
});

test('every Shopify document declares its scopes, within what the features declare and the seed asks for', () => {
  const declared = providers.shopify.scopes!;
  const featureScopes = new Set(Object.values(declared.features).flat());
  expect(Object.keys(declared.features).sort()).toEqual([...providers.shopify.features].sort());
  for (const scope of featureScopes) expect(declared.requested).toContain(scope);
  for (const document of Object.values(ALL_DOCUMENTS)) {
    const name = operationName(document)!;
    expect(OPERATION_SCOPES).toHaveProperty([name]);
    for (const scope of OPERATION_SCOPES[name]!) expect(featureScopes).toContain(scope);
  }
});
