/**
 * Identifiers, lookup values and free text with control characters are refused as BAD_USER_INPUT
 * before any provider call: the upstream (a bare recording server per provider) must see nothing.
 * Before the rules, a NUL in a lookup email went out as `%00` and a trailing newline was trimmed away
 * into a different, accepted identifier.
 */
import { startFakeUpstream } from './support/fake-upstream';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

type Upstream = Awaited<ReturnType<typeof startFakeUpstream>>;

let shopify: Upstream;
let klaviyo: Upstream;
let kustomer: Upstream;
let gw: TestGateway;
let admin: string;

const CUSTOMER_ID = 'c00000000000000000000001';
const CONVERSATION_ID = 'a00000000000000000000001';

const sent = () => shopify.requests.length + klaviyo.requests.length + kustomer.requests.length;

const CONNECT = `mutation($input: ConnectIntegrationInput!) {
  connectIntegration(input: $input) { integration { __typename } }
}`;

beforeAll(async () => {
  // Any answer will do: these tests are about whether a request is made at all.
  shopify = await startFakeUpstream({ status: 500, body: { errors: 'simulated' } });
  klaviyo = await startFakeUpstream({ status: 500, body: { errors: [] } });
  kustomer = await startFakeUpstream({ status: 500, body: { errors: [] } });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_input_rules_token',
    SHOPIFY_API_BASE_URL: `${shopify.url}/{store}`,
    KLAVIYO_PRIVATE_API_KEY: 'pk_input_rules_key',
    KLAVIYO_API_BASE_URL: klaviyo.url,
    KUSTOMER_API_KEY: 'kustomer-input-rules-key',
    KUSTOMER_API_BASE_URL: `${kustomer.url}/{subdomain}`,
    UPSTREAM_MAX_RETRIES: '0',
  });
  admin = await gw.token(newOrgId(), 'admin');
  for (const input of [
    { shopify: { storeName: 'rules-store' } },
    { klaviyo: { companyId: 'RuLe55' } },
    { kustomer: { subdomain: 'rules' } },
  ]) {
    const { body } = await gw.graphql(CONNECT, { input }, admin);
    expect(body.errors).toBeUndefined();
  }
});
afterAll(async () => {
  await gw.close();
  await Promise.all([shopify.close(), klaviyo.close(), kustomer.close()]);
});

const integration = (provider: string, type: string, fields: string, variables: string) =>
  `query(${variables}) { organization { integration(provider: ${provider}) { ... on ${type} { ${fields} } } } }`;

/** Runs the operation and expects BAD_USER_INPUT naming `field`, with no upstream request. */
async function expectRefused(query: string, variables: Record<string, unknown>, field: RegExp) {
  const before = sent();
  const { body } = await gw.graphql(query, variables, admin);
  expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(body.errors?.[0]?.message).toMatch(field);
  expect(sent()).toBe(before);
}

describe('lookups and identifiers', () => {
  const kustomerCustomer = integration(
    'KUSTOMER',
    'KustomerIntegration',
    'customer(id: $id, email: $email, phone: $phone) { id }',
    '$id: ID, $email: String, $phone: String',
  );
  const klaviyoProfile = integration(
    'KLAVIYO',
    'KlaviyoIntegration',
    'profile(id: $id, email: $email, externalId: $externalId) { id }',
    '$id: ID, $email: String, $externalId: String',
  );

  test('a valid lookup does reach the provider (the recording works)', async () => {
    const before = sent();
    await gw.graphql(kustomerCustomer, { email: 'someone@example.com' }, admin);
    await gw.graphql(klaviyoProfile, { email: 'someone@example.com' }, admin);
    expect(sent()).toBe(before + 2);
    expect(kustomer.requests.at(-1)!.url).toBe('/rules/v1/customers/email=someone%40example.com');
  });

  test.each([
    ['a NUL in a Kustomer email', { email: 'a\u0000@example.com' }, /email/],
    ['a NUL in a Kustomer phone', { phone: '+1500555\u00000003' }, /phone/],
    ['a trailing newline on a Kustomer id', { id: `${CUSTOMER_ID}\n` }, /customer id/],
    ['a C1 control in a Kustomer email', { email: 'a\u0085b@example.com' }, /email/],
  ])('Kustomer customer lookup: %s', async (_name, variables, field) => {
    await expectRefused(kustomerCustomer, variables, field);
  });

  test('Kustomer conversation id with a tab', async () => {
    await expectRefused(
      integration('KUSTOMER', 'KustomerIntegration', 'conversation(id: $id) { id }', '$id: ID!'),
      { id: `\t${CONVERSATION_ID}` },
      /conversation id/,
    );
  });

  test.each([
    ['a NUL in an email', { email: 'a\u0000@example.com' }, /email/],
    ['a newline in an external id', { externalId: 'customer-7\n' }, /externalId/],
    ['a NUL in a profile id', { id: '01ABC\u0000' }, /profile id/],
  ])('Klaviyo profile lookup: %s', async (_name, variables, field) => {
    await expectRefused(klaviyoProfile, variables, field);
  });

  test('Klaviyo list id with a trailing newline', async () => {
    await expectRefused(
      integration('KLAVIYO', 'KlaviyoIntegration', 'list(id: $id) { id }', '$id: ID!'),
      { id: 'Y6nRLr\n' },
      /list id/,
    );
  });

  test.each([
    ['order by name with a newline', 'order(name: $v) { id }', '$v: String', '#1001\n', /name/],
    ['customer by id with a NUL', 'customer(id: $v) { id }', '$v: ID!', '123\u0000', /Customer id/],
    ['product by id with a newline', 'product(id: $v) { id }', '$v: ID!', '\n123', /Product id/],
    [
      'a search with a NUL',
      'orders(query: $v) { edges { cursor } }',
      '$v: String',
      'email:a\u0000@b.com',
      /query/,
    ],
    ['a cursor with a NUL', 'products(after: $v) { edges { cursor } }', '$v: String', 'eyJ\u0000', /after/],
  ])('Shopify: %s', async (_name, fields, variables, value, field) => {
    await expectRefused(integration('SHOPIFY', 'ShopifyIntegration', fields, variables), { v: value }, field);
  });
});

describe('account identifiers', () => {
  test.each([
    [
      'a Shopify store name with a trailing newline',
      { shopify: { storeName: 'rules-store\n' } },
      /storeName/,
    ],
    ['a Shopify store name with a bell', { shopify: { storeName: 'rules\u0007store' } }, /storeName/],
    ['a Klaviyo company id with a tab', { klaviyo: { companyId: 'RuLe55\t' } }, /companyId/],
    ['a Kustomer subdomain with DEL', { kustomer: { subdomain: 'rules\u007f' } }, /subdomain/],
  ])('%s is refused and the stored identifier is unchanged', async (_name, input, field) => {
    await expectRefused(CONNECT, { input }, field);
    const { body } = await gw.graphql(
      `{ organization { integrations { ... on ShopifyIntegration { storeName }
          ... on KlaviyoIntegration { companyId } ... on KustomerIntegration { subdomain } } } }`,
      {},
      admin,
    );
    expect(body.data.organization.integrations).toEqual(
      expect.arrayContaining([{ storeName: 'rules-store' }, { companyId: 'RuLe55' }, { subdomain: 'rules' }]),
    );
  });
});

describe('free text and mutation inputs', () => {
  const NOTE = `mutation($input: AddKustomerNoteInput!) { addKustomerNote(input: $input) { note { id } } }`;

  test('a note may hold tabs and line breaks (it reaches Kustomer)', async () => {
    const before = kustomer.requests.length;
    await gw.graphql(
      NOTE,
      { input: { conversationId: CONVERSATION_ID, body: 'line 1\n\tline 2\r\n' } },
      admin,
    );
    expect(kustomer.requests.length).toBe(before + 1);
    expect(JSON.parse(kustomer.requests.at(-1)!.body)).toEqual({ body: 'line 1\n\tline 2' });
  });

  test('a note holding a control character other than tab and line breaks is refused', async () => {
    await expectRefused(
      NOTE,
      { input: { conversationId: CONVERSATION_ID, body: 'hello\u001bworld' } },
      /body/,
    );
  });

  test('a conversation name with a control character is refused', async () => {
    await expectRefused(
      `mutation($input: CreateKustomerConversationInput!) { createKustomerConversation(input: $input) { conversation { id } } }`,
      { input: { customerId: CUSTOMER_ID, name: 'Refund\u0007' } },
      /name/,
    );
  });

  test('a Shopify draft order with a control character in its note or email is refused', async () => {
    const DRAFT = `mutation($input: CreateShopifyDraftOrderInput!) { createShopifyDraftOrder(input: $input) { draftOrder { id } } }`;
    const lineItems = [{ variantId: '1', quantity: 1 }];
    await expectRefused(DRAFT, { input: { lineItems, note: 'gift\u0008' } }, /note/);
    await expectRefused(DRAFT, { input: { lineItems, email: 'a\u0007@example.com' } }, /email/);
  });

  test('a Klaviyo event with a control character in its metric name or properties is refused', async () => {
    const TRACK = `mutation($input: TrackKlaviyoEventInput!) { trackKlaviyoEvent(input: $input) { accepted } }`;
    const profile = { email: 'someone@example.com' };
    await expectRefused(TRACK, { input: { metricName: 'Placed\u0007Order', profile } }, /metricName/);
    await expectRefused(
      TRACK,
      { input: { metricName: 'Placed Order', profile, properties: { items: [{ sku: 'A\u0001' }] } } },
      /properties/,
    );
  });

  test('a NUL byte in a note, a draft order or an identifier is refused before any call, and audited', async () => {
    const DRAFT = `mutation($input: CreateShopifyDraftOrderInput!) { createShopifyDraftOrder(input: $input) { draftOrder { id } } }`;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [NOTE, { input: { conversationId: CONVERSATION_ID, body: 'refund\u0000please' } }, 'kustomer.note.add'],
      [
        DRAFT,
        { input: { lineItems: [{ variantId: '1', quantity: 1 }], note: 'gift\u0000' } },
        'shopify.draft_order.create',
      ],
      [CONNECT, { input: { shopify: { storeName: 'rules\u0000store' } } }, 'integration.connect'],
    ];
    for (const [query, variables, action] of cases) {
      await expectRefused(query, variables, /./);
      const [row] = await gw.auditLog(admin, 1, 'action outcome errorCode');
      expect(row).toEqual({ action, outcome: 'ERROR', errorCode: 'BAD_USER_INPUT' });
    }
  });

  test('a Klaviyo profile upsert with a control character in a name is refused', async () => {
    await expectRefused(
      `mutation($input: UpsertKlaviyoProfileInput!) { upsertKlaviyoProfile(input: $input) { profile { id } } }`,
      { input: { email: 'someone@example.com', firstName: 'Ada\u001b[31m' } },
      /firstName/,
    );
  });
});
