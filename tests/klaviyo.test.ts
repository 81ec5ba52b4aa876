/**
 * Klaviyo end to end: GraphQL → gateway → the Klaviyo simulator, which validates every request
 * against Klaviyo's published OpenAPI document. A test fails on any invalid request (afterEach).
 */
import { campaignId, profileId } from './support/klaviyo-fixtures';
import { startKlaviyoSimulator, type KlaviyoSimulator } from './support/klaviyo-simulator';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

const COMPANY_ID = 'AbC123';

let sim: KlaviyoSimulator;
let gw: TestGateway;
const org = newOrgId();
let admin: string;
let member: string;

const CONNECT = `mutation($companyId: String!) {
  connectIntegration(input: { klaviyo: { companyId: $companyId } }) {
    integration { ... on KlaviyoIntegration { companyId status } }
  }
}`;
const TEST = `mutation { testIntegration(provider: KLAVIYO) { integration { ... on KlaviyoIntegration { status errorMessage } } } }`;

/** Runs `fields` inside the organization's KlaviyoIntegration. */
async function klaviyo(fields: string, variables: Record<string, unknown> = {}, token = admin) {
  const { body } = await gw.graphql(
    `query${
      Object.keys(variables).length
        ? `(${Object.keys(variables)
            .map((k) => `$${k}: ${VARIABLE_TYPES[k]}`)
            .join(', ')})`
        : ''
    } {
      organization { integration(provider: KLAVIYO) { ... on KlaviyoIntegration { ${fields} } } }
    }`,
    variables,
    token,
  );
  return { data: body.data?.organization.integration, errors: body.errors };
}
const VARIABLE_TYPES: Record<string, string> = { after: 'String', id: 'ID!', email: 'String' };

beforeAll(async () => {
  sim = await startKlaviyoSimulator({ companyId: COMPANY_ID });
  // The simulator is not Klaviyo's host: the key-account check is asked for explicitly.
  gw = await startTestGateway({
    KLAVIYO_PRIVATE_API_KEY: sim.privateKey,
    KLAVIYO_API_BASE_URL: sim.url,
    KLAVIYO_KEY_ACCOUNT_CHECK: 'on',
  });
  admin = await gw.token(org, 'admin', 'alice');
  member = await gw.token(org, 'member', 'bob');
  const { body } = await gw.graphql(CONNECT, { companyId: COMPANY_ID }, admin);
  expect(body.errors).toBeUndefined();
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});
afterEach(() => {
  // Every request the gateway sent must be valid against Klaviyo's OpenAPI document.
  const violations = [...sim.violations];
  sim.reset();
  expect(violations).toEqual([]);
});

test('testIntegration makes one authenticated call and confirms the key belongs to the company id', async () => {
  const { body } = await gw.graphql(TEST, {}, admin);
  expect(body.data.testIntegration.integration).toEqual({ status: 'CONNECTED', errorMessage: null });
  expect(sim.requests.map((r) => r.operationId)).toEqual(['get_accounts']);
  expect(sim.requests[0]!.headers.revision).toBe('2026-07-15');
});

test('lists page through Relay connections built from links.next', async () => {
  const first = await klaviyo(
    'lists(first: 10) { edges { cursor node { id name optInProcess } } pageInfo { hasNextPage endCursor } }',
  );
  expect(first.errors).toBeUndefined();
  expect(first.data.lists.edges).toHaveLength(10);
  expect(first.data.lists.edges[0].node).toEqual({
    id: 'LST001',
    name: 'Newsletter',
    optInProcess: 'SINGLE_OPT_IN'.toLowerCase(),
  });
  expect(first.data.lists.pageInfo.hasNextPage).toBe(true);
  const after = first.data.lists.pageInfo.endCursor;
  const second = await klaviyo(
    'lists(first: 10, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } }',
    { after },
  );
  expect(second.data.lists.edges.map((e: any) => e.node.id)).toEqual(['LST011', 'LST012']);
  expect(second.data.lists.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  // Klaviyo receives its own cursor (the one in links.next); the client's cursor is opaque.
  const getLists = sim.requests.filter((r) => r.operationId === 'get_lists');
  expect(getLists[1]!.query['page[cursor]']).toBe(Buffer.from('offset:10').toString('base64url'));
  expect(after).not.toBe(getLists[1]!.query['page[cursor]']);
});

test("a cursor from another connection, or Klaviyo's own raw cursor, is refused before any call", async () => {
  sim.reset();
  const foreign = [
    Buffer.from('kustomer:2:10').toString('base64url'),
    Buffer.from('offset:10').toString('base64url'),
    'not a cursor',
  ];
  for (const after of foreign) {
    const { errors } = await klaviyo('lists(first: 10, after: $after) { edges { cursor } }', { after });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toBe('after is not a cursor from this connection.');
  }
  expect(sim.requests.filter((r) => r.operationId === 'get_lists')).toHaveLength(0);
});

test('a page larger than Klaviyo allows is refused before any call', async () => {
  sim.reset();
  const { errors } = await klaviyo('lists(first: 11) { edges { cursor } }');
  expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(sim.requests.filter((r) => r.operationId === 'get_lists')).toHaveLength(0);
});

test("a list's and a segment's profiles", async () => {
  const { data, errors } = await klaviyo(`
    list(id: "LST001") { name profiles(first: 20) { edges { node { id email } } pageInfo { hasNextPage endCursor } } }
    segments { edges { node { id name isStarred } } }
    segment(id: "SEG002") { profiles { edges { node { id } } } }
    missing: list(id: "NOPE01") { id }`);
  expect(errors).toBeUndefined();
  expect(data.list.name).toBe('Newsletter');
  expect(data.list.profiles.edges).toHaveLength(20);
  expect(data.list.profiles.pageInfo.hasNextPage).toBe(true);
  expect(data.segments.edges.map((e: any) => e.node.name)).toEqual(['VIP', 'Lapsed', 'Empty']);
  expect(data.segment.profiles.edges).toHaveLength(5);
  expect(data.missing).toBeNull();
});

test('a profile by id, email, phone number or external id', async () => {
  const { data, errors } = await klaviyo(`
    byId: profile(id: "${profileId(3)}") { id email firstName properties city }
    byEmail: profile(email: "person4@example.com") { id }
    byPhone: profile(phoneNumber: "+1 500 555 1004") { id }
    byExternal: profile(externalId: "ext-6") { id }
    nobody: profile(email: "nobody@example.com") { id }`);
  expect(errors).toBeUndefined();
  expect(data.byId).toEqual({
    id: profileId(3),
    email: 'person3@example.com',
    firstName: 'Person3',
    properties: { tier: 'gold' },
    city: 'Boston',
  });
  expect(data.byEmail.id).toBe(profileId(4));
  expect(data.byPhone.id).toBe(profileId(5));
  expect(data.byExternal.id).toBe(profileId(6));
  expect(data.nobody).toBeNull();
  const filters = sim.requests.filter((r) => r.operationId === 'get_profiles').map((r) => r.query.filter);
  expect(filters).toContain('equals(email,"person4@example.com")');
});

test('identifiers are validated before any call', async () => {
  sim.reset();
  const bad = await klaviyo('a: profile(id: "../accounts") { id }');
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const quote = await klaviyo('profile(email: "x\\"@example.com") { id }');
  expect(quote.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const two = await klaviyo('profile(email: "a@example.com", externalId: "x") { id }');
  expect(two.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(sim.requests.filter((r) => r.operationId !== 'get_accounts')).toHaveLength(0);
});

test('campaigns per channel with status and send time, and a campaign with its results', async () => {
  const { data, errors } = await klaviyo(`
    email: campaigns(channel: EMAIL) { edges { node { id name status channel sendTime sendStrategy } } }
    sms: campaigns(channel: SMS, first: 1) { edges { node { name status } } pageInfo { hasNextPage } }
    one: campaign(id: "${campaignId(1)}") { name channel
      results(conversionMetricId: "MTR001", timeframe: LAST_90_DAYS) { campaignId rows { campaignMessageId sendChannel statistics { name value } } } }
    metrics { edges { node { id name integrationName } } }`);
  expect(errors).toBeUndefined();
  expect(data.email.edges).toHaveLength(3);
  expect(data.email.edges[0].node).toEqual({
    id: campaignId(1),
    name: 'Spring sale',
    status: 'Sent',
    channel: 'EMAIL',
    sendTime: '2026-01-05T18:20:00.000Z',
    sendStrategy: 'static',
  });
  expect(data.sms.edges).toEqual([{ node: { name: 'Flash SMS', status: 'Sent' } }]);
  expect(data.sms.pageInfo.hasNextPage).toBe(true);
  expect(data.one.channel).toBeNull();
  expect(data.one.results.rows[0].sendChannel).toBe('email');
  expect(data.one.results.rows[0].statistics.map((s: any) => s.name)).toContain('RECIPIENTS');
  expect(data.metrics.edges[0].node).toEqual({
    id: 'MTR001',
    name: 'Placed Order',
    integrationName: 'Shopify',
  });
  const report = sim.requests.find((r) => r.operationId === 'query_campaign_values')!.body as any;
  expect(report.data.attributes.timeframe).toEqual({ key: 'last_90_days' });
  expect(report.data.attributes.filter).toBe(`equals(campaign_id,"${campaignId(1)}")`);
  const filters = sim.requests.filter((r) => r.operationId === 'get_campaigns').map((r) => r.query.filter);
  expect(filters).toEqual(["equals(messages.channel,'email')", "equals(messages.channel,'sms')"]);
});

test("campaign reports stop locally at Klaviyo's 2-per-minute limit", async () => {
  // One report already ran in the test above, in this same minute.
  const query = (id: number) =>
    `c${id}: campaign(id: "${campaignId(id)}") { results(conversionMetricId: "MTR001", statistics: [OPENS, CLICKS]) { rows { sendChannel } } }`;
  const second = await klaviyo(query(4));
  expect(second.errors).toBeUndefined();
  const third = await klaviyo(query(2));
  expect(third.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
  expect(third.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(1000);
  expect(sim.requests.filter((r) => r.operationId === 'query_campaign_values')).toHaveLength(1);
});

test('subscribe goes through the client API with the company id and no secret', async () => {
  const { body } = await gw.graphql(
    `mutation { subscribeKlaviyoProfile(input: { listId: "LST001", email: "new@example.com", phoneNumber: "+15005550006",
      consent: [EMAIL_MARKETING, SMS_MARKETING], customSource: "Checkout" }) { accepted listId } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.subscribeKlaviyoProfile).toEqual({ accepted: true, listId: 'LST001' });
  const request = sim.requests.find((r) => r.operationId === 'create_client_subscription')!;
  expect(request.query.company_id).toBe(COMPANY_ID);
  expect(request.headers.authorization).toBeUndefined();
  const attributes = (sim.subscriptions[0] as any).data.attributes.profile.data.attributes;
  expect(attributes).toEqual({
    email: 'new@example.com',
    phone_number: '+15005550006',
    subscriptions: {
      email: { marketing: { consent: 'SUBSCRIBED' } },
      sms: { marketing: { consent: 'SUBSCRIBED' } },
    },
  });
});

test('subscribe refuses a channel without its identifier', async () => {
  const { body } = await gw.graphql(
    `mutation { subscribeKlaviyoProfile(input: { listId: "LST001", email: "a@example.com", consent: [SMS_MARKETING] }) { accepted } }`,
    {},
    admin,
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(sim.subscriptions).toHaveLength(0);
});

test('unsubscribe uses the admin key', async () => {
  const { body } = await gw.graphql(
    `mutation { unsubscribeKlaviyoProfile(input: { listId: "LST001", email: "person1@example.com", channels: [EMAIL_MARKETING] }) { accepted listId } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.unsubscribeKlaviyoProfile).toEqual({ accepted: true, listId: 'LST001' });
  const request = sim.requests.find((r) => r.operationId === 'bulk_unsubscribe_profiles')!;
  expect(request.headers.authorization).toBe(`Klaviyo-API-Key ${sim.privateKey}`);
});

test('an event for a profile, which triggers flows on its metric', async () => {
  const { body } = await gw.graphql(
    `mutation($props: KlaviyoProperties) { trackKlaviyoEvent(input: { metricName: "Started Checkout", profile: { email: "person2@example.com" },
      properties: $props, value: 42.5, valueCurrency: "USD" }) { accepted } }`,
    { props: { cart: { items: [{ sku: 'A-1', qty: 2 }] }, coupon: null } },
    admin,
  );
  expect(body.errors).toBeUndefined();
  const event = (sim.events[0] as any).data.attributes;
  expect(event.metric.data.attributes.name).toBe('Started Checkout');
  expect(event.properties).toEqual({ cart: { items: [{ sku: 'A-1', qty: 2 }] }, coupon: null });
  expect(event.value).toBe(42.5);
  expect(event.unique_id).toMatch(/[0-9a-f-]{36}/);
});

test('properties that are not an object are refused', async () => {
  const { body } = await gw.graphql(
    `mutation { trackKlaviyoEvent(input: { metricName: "X", profile: { email: "a@example.com" }, properties: [1, 2] }) { accepted } }`,
    {},
    admin,
  );
  expect(body.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  expect(sim.events).toHaveLength(0);
});

test('create or update a profile and read it back', async () => {
  const { body } = await gw.graphql(
    `mutation { upsertKlaviyoProfile(input: { email: "fresh@example.com", firstName: "Fresh", city: "Paris", properties: { plan: "pro" } }) {
      profile { id email firstName properties } } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
  const profile = body.data.upsertKlaviyoProfile.profile;
  expect(profile).toMatchObject({
    email: 'fresh@example.com',
    firstName: 'Fresh',
    properties: { plan: 'pro' },
  });
  const read = await klaviyo('profile(id: $id) { email }', { id: profile.id });
  expect(read.data.profile.email).toBe('fresh@example.com');
});

test('a member cannot write, and the denial is in the audit log', async () => {
  const { body } = await gw.graphql(
    `mutation { subscribeKlaviyoProfile(input: { listId: "LST001", email: "x@example.com", consent: [EMAIL_MARKETING] }) { accepted } }`,
    {},
    member,
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(sim.requests).toHaveLength(0);
  const [latest] = await gw.auditLog(admin, 1, 'action outcome errorCode actorId');
  expect(latest).toEqual({
    action: 'klaviyo.profile.subscribe',
    outcome: 'DENIED',
    errorCode: 'FORBIDDEN',
    actorId: 'bob',
  });
});

test('a member can read', async () => {
  const { errors } = await klaviyo('segments(first: 1) { edges { node { id } } }', {}, member);
  expect(errors).toBeUndefined();
});

test('another organization cannot claim the same company id', async () => {
  const other = await gw.token(newOrgId(), 'admin');
  const { body } = await gw.graphql(CONNECT, { companyId: COMPANY_ID }, other);
  expect(body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
});

test("an organization whose company id is not the key's account gets no admin-key data", async () => {
  const otherOrg = newOrgId();
  const other = await gw.token(otherOrg, 'admin');
  expect((await gw.graphql(CONNECT, { companyId: 'XyZ789' }, other)).body.errors).toBeUndefined();
  const tested = await gw.graphql(TEST, {}, other);
  expect(tested.body.data.testIntegration.integration.status).toBe('ERROR');
  expect(tested.body.data.testIntegration.integration.errorMessage).toMatch(
    /different Klaviyo account than company id "XyZ789"/,
  );
  const read = await gw.graphql(
    '{ organization { integration(provider: KLAVIYO) { ... on KlaviyoIntegration { lists { edges { node { id } } } } } } }',
    {},
    other,
  );
  expect(read.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
  expect(sim.requests.some((r) => r.operationId === 'get_lists')).toBe(false);
});

test('against a server that is not Klaviyo the key-account check is off by default (mocks invent accounts)', async () => {
  const plain = await startTestGateway({
    KLAVIYO_PRIVATE_API_KEY: sim.privateKey,
    KLAVIYO_API_BASE_URL: sim.url,
  });
  try {
    const token = await plain.token(newOrgId(), 'admin');
    expect((await plain.graphql(CONNECT, { companyId: 'Mock01' }, token)).body.errors).toBeUndefined();
    const read = await plain.graphql(
      '{ organization { integration(provider: KLAVIYO) { ... on KlaviyoIntegration { lists { edges { node { id } } } } } } }',
      {},
      token,
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.organization.integration.lists.edges.length).toBeGreaterThan(0);
  } finally {
    await plain.close();
  }
});

describe('upstream failures map to stable codes without leaking bodies or keys', () => {
  const cases: Array<[string, number, number, string]> = [
    ['401', 401, 1, 'UPSTREAM_AUTH_FAILED'],
    ['404', 404, 1, 'NOT_FOUND'],
    ['429', 429, 3, 'UPSTREAM_RATE_LIMITED'],
    ['503', 503, 3, 'UPSTREAM_UNAVAILABLE'],
  ];
  test.each(cases)('HTTP %s', async (_name, status, times, code) => {
    await klaviyo('segments(first: 1) { edges { cursor } }'); // the key's account is known before the failure
    sim.failNext(status, { times, retryAfterSeconds: status === 429 ? 0 : undefined });
    const { errors } = await klaviyo('segments(first: 1) { edges { cursor } }');
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).not.toMatch(/Injected failure|pk_test/);
    expect(JSON.stringify(errors)).not.toContain(sim.privateKey);
  });

  test('a 429 with Retry-After is retried and then succeeds', async () => {
    await klaviyo('segments(first: 1) { edges { cursor } }');
    sim.failNext(429, { retryAfterSeconds: 0 });
    const { errors, data } = await klaviyo('segments(first: 1) { edges { node { id } } }');
    expect(errors).toBeUndefined();
    expect(data.segments.edges).toHaveLength(1);
  });
});
