import { providers } from '../src/datasources/registry';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

/** The `providers` query: each adapter's own facts, so pages and clients spell no identifier out. */
let gw: TestGateway;
beforeAll(async () => {
  // Shopify and Klaviyo configured; the rest not.
  gw = await startTestGateway({ SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', KLAVIYO_PRIVATE_API_KEY: 'pk_x' });
});
afterAll(() => gw.close());

const PROVIDERS = `{ providers { provider displayName configured missingVariables features
  accountFields { name title description example pattern message } } }`;

test('every provider, in registry order, with its configured state and account fields', async () => {
  const member = await gw.token(newOrgId(), 'member');
  const { body } = await gw.graphql(PROVIDERS, {}, member);
  expect(body.errors).toBeUndefined();
  const list = body.data.providers;
  expect(list.map((p: any) => p.provider)).toEqual(Object.keys(providers).map((id) => id.toUpperCase()));
  const byId = Object.fromEntries(list.map((p: any) => [p.provider, p]));
  expect(byId.SHOPIFY).toMatchObject({ displayName: 'Shopify', configured: true, missingVariables: [] });
  expect(byId.SHOPIFY.accountFields).toEqual([
    expect.objectContaining({ name: 'storeName', title: 'Store name', example: 'mystore' }),
  ]);
  expect(byId.SHOPIFY.features).toContain('Order tracking');
  expect(byId.KUSTOMER).toMatchObject({ configured: false, missingVariables: ['KUSTOMER_API_KEY'] });
  expect(byId.OPENAI.accountFields).toEqual([]);
  // Names of variables only, never a value.
  expect(JSON.stringify(body)).not.toMatch(/shpat_x|pk_x/);
});

test("a field's published pattern and example agree with what the server accepts", async () => {
  for (const adapter of Object.values(providers)) {
    for (const field of adapter.account.fields) {
      expect(new RegExp(field.pattern, 'i').test(field.example)).toBe(true);
      expect(() => adapter.account.parse({ [field.name]: field.example })).not.toThrow();
      // What the pattern refuses, the server refuses too.
      expect(new RegExp(field.pattern, 'i').test('bad/../value')).toBe(false);
      expect(() => adapter.account.parse({ [field.name]: 'bad/../value' })).toThrow(/Invalid/);
    }
  }
});

test('a connected integration shows its stored identifier generically through `account`', async () => {
  const admin = await gw.token(newOrgId(), 'admin');
  await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "https://Generic-Store.myshopify.com/" } }) { integration { __typename } } }`,
    {},
    admin,
  );
  const { body } = await gw.graphql(
    `{ organization { integrations { ... on IntegrationCommon { provider status account { name value } } } } }`,
    {},
    admin,
  );
  const shopify = body.data.organization.integrations.find((i: any) => i.provider === 'SHOPIFY');
  expect(shopify).toEqual({
    provider: 'SHOPIFY',
    status: 'CONNECTED',
    account: [{ name: 'storeName', value: 'generic-store' }],
  });
  const klaviyo = body.data.organization.integrations.find((i: any) => i.provider === 'KLAVIYO');
  expect(klaviyo.account).toEqual([]);
});
