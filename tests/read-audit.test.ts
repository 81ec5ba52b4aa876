import { READ_AUDIT_ACTION, customerDataFields } from '../src/graphql/read-audit.plugin';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

const ACCESS_TOKEN = 'shpat_test_token';

let sim: ShopifySimulator;
let gw: TestGateway;
let org: string;
let member: string;

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    UPSTREAM_MAX_RETRIES: '0',
  });
  org = newOrgId();
  const admin = await gw.token(org, 'admin', 'read-audit-admin');
  member = await gw.token(org, 'member', 'read-audit-member');
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "audit-store" } }) { integration { ... on ShopifyIntegration { status } } } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
});

afterAll(async () => {
  await gw.close();
  await sim.close();
});

/** The organization's read-audit rows, after the batch they are in has been written. */
async function readAuditRows(): Promise<Array<Record<string, any>>> {
  // Rows are written in batches every ~100 ms; flushing is what stopping does, wait instead here.
  await new Promise((resolve) => setTimeout(resolve, 400));
  return gw
    .db('audit_log')
    .where({ organization_id: org, action: READ_AUDIT_ACTION })
    .orderBy('id')
    .select('request_id', 'actor_id', 'provider', 'outcome', 'error_code', 'arguments');
}

const shop = (fields: string) =>
  `query ShopCustomers { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${fields} } } } }`;

test('a query reading Shopify orders and customers leaves one audit row naming both fields', async () => {
  const before = (await readAuditRows()).length;
  const { body } = await gw.graphql(
    shop(
      `orders(first: 3) { edges { node { id name } } } customers(first: 2) { edges { node { id email } } }`,
    ),
    {},
    member,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.organization.integration.orders.edges).toHaveLength(3);
  const rows = (await readAuditRows()).slice(before);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    actor_id: 'read-audit-member',
    provider: 'shopify',
    outcome: 'ok',
    error_code: null,
    arguments: {
      operation: 'ShopCustomers',
      providers: ['shopify'],
      fields: ['ShopifyIntegration.customers', 'ShopifyIntegration.orders'],
    },
  });
});

test('a query touching no customer data leaves no read-audit row', async () => {
  const before = (await readAuditRows()).length;
  const { body } = await gw.graphql(
    shop(`products(first: 2) { edges { node { id title } } } storeName`),
    {},
    member,
  );
  expect(body.errors).toBeUndefined();
  expect((await readAuditRows()).slice(before)).toEqual([]);
});

test('a failing read of customer data is audited with its outcome and code', async () => {
  const before = (await readAuditRows()).length;
  sim.failNext({ status: 503, times: 5 });
  const { body } = await gw.graphql(shop(`orders(first: 2) { edges { node { id } } }`), {}, member);
  expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  const rows = (await readAuditRows()).slice(before);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    outcome: 'error',
    error_code: 'UPSTREAM_UNAVAILABLE',
    arguments: { operation: 'ShopCustomers', fields: ['ShopifyIntegration.orders'] },
  });
  sim.reset();
});

test('many reads at once are all audited, one row each', async () => {
  const before = (await readAuditRows()).length;
  const results = await Promise.all(
    Array.from({ length: 12 }, () =>
      gw.graphql(shop(`customers(first: 1) { edges { node { id } } }`), {}, member),
    ),
  );
  expect(results.every((r) => r.body.errors === undefined)).toBe(true);
  expect((await readAuditRows()).slice(before)).toHaveLength(12);
});

test("a mutation right after a read is logged after the read's row", async () => {
  const admin = await gw.token(org, 'admin', 'read-audit-admin');
  const read = await gw.graphql(shop(`customers(first: 1) { edges { node { id } } }`), {}, admin);
  expect(read.body.errors).toBeUndefined();
  // At once, well within the 100 ms the read's row may wait in its batch.
  const tested = await gw.graphql(
    `mutation { testIntegration(provider: SHOPIFY) { integration { ... on ShopifyIntegration { status } } } }`,
    {},
    admin,
  );
  expect(tested.body.errors).toBeUndefined();
  expect((await gw.auditLog(admin, 2, 'action')).map((e) => e.action)).toEqual([
    'integration.test',
    READ_AUDIT_ACTION,
  ]);
});

test('customer data is found in the schema by type: orders, customers, profiles, conversations', () => {
  const fields = customerDataFields(gw.gateway.schema);
  expect(fields.get('ShopifyIntegration.orders')).toBe('shopify');
  expect(fields.get('ShopifyOrder.customer')).toBe('shopify');
  expect(fields.get('KlaviyoIntegration.profile')).toBe('klaviyo');
  expect(fields.get('KlaviyoList.profiles')).toBe('klaviyo');
  expect(fields.get('Organization.conversations')).toBeNull();
  expect(fields.get('Conversation.messages')).toBeNull();
  expect(fields.has('ShopifyIntegration.products')).toBe(false);
  // A mutation's payload is audited by @audit, not here.
  expect([...fields.keys()].some((k) => k.startsWith('Mutation.'))).toBe(false);
});
