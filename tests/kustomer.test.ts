/**
 * Kustomer end to end: GraphQL → gateway → the Kustomer simulator, which checks every request against
 * Kustomer's documented shapes. A test fails on any violation (afterEach).
 */
import {
  CONVERSATION_ID,
  CUSTOMER_ID,
  oid,
  startKustomerSimulator,
  type KustomerSimulator,
} from './support/kustomer-simulator';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

let sim: KustomerSimulator;
let gw: TestGateway;
const org = newOrgId();
let admin: string;
let member: string;

const CONNECT = `mutation($subdomain: String!) {
  connectIntegration(input: { kustomer: { subdomain: $subdomain } }) {
    integration { ... on KustomerIntegration { subdomain status } }
  }
}`;

async function kustomer(fields: string, token = admin) {
  const { body } = await gw.graphql(
    `{ organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { ${fields} } } } }`,
    {},
    token,
  );
  return { data: body.data?.organization.integration, errors: body.errors };
}

beforeAll(async () => {
  sim = await startKustomerSimulator({ subdomains: ['acme', 'other'] });
  gw = await startTestGateway({ KUSTOMER_API_KEY: sim.apiKey, KUSTOMER_API_BASE_URL: sim.baseUrlTemplate });
  admin = await gw.token(org, 'admin', 'alice');
  member = await gw.token(org, 'member', 'bob');
  const { body } = await gw.graphql(CONNECT, { subdomain: 'Acme' }, admin);
  expect(body.errors).toBeUndefined();
  expect(body.data.connectIntegration.integration).toEqual({ subdomain: 'acme', status: 'CONNECTED' });
});
afterAll(async () => {
  await gw.close();
  await sim.close();
});
afterEach(() => {
  const violations = [...sim.violations];
  sim.reset();
  expect(violations).toEqual([]);
});

test('testIntegration makes one cheap authenticated call on the organization subdomain', async () => {
  const { body } = await gw.graphql(
    'mutation { testIntegration(provider: KUSTOMER) { integration { ... on KustomerIntegration { status errorMessage } } } }',
    {},
    admin,
  );
  expect(body.data.testIntegration.integration).toEqual({ status: 'CONNECTED', errorMessage: null });
  expect(sim.requests).toHaveLength(1);
  expect(sim.requests[0]).toMatchObject({
    subdomain: 'acme',
    path: '/v1/customers',
    query: { page: '1', pageSize: '1' },
  });
  expect(sim.requests[0]!.headers.authorization).toBe(`Bearer ${sim.apiKey}`);
});

test('customer lookup by id, email and phone', async () => {
  const { data, errors } = await kustomer(`
    byId: customer(id: "${CUSTOMER_ID}") { id name emails phones externalId }
    byEmail: customer(email: "customer2@example.com") { id }
    byPhone: customer(phone: "+1 500 555 0003") { id }
    nobody: customer(email: "nobody@example.com") { id }`);
  expect(errors).toBeUndefined();
  expect(data.byId).toEqual({
    id: CUSTOMER_ID,
    name: 'Customer 1',
    emails: ['customer1@example.com'],
    phones: ['+15005550001'],
    externalId: 'ext-1',
  });
  expect(data.byEmail.id).toBe(oid('c0', 2));
  expect(data.byPhone.id).toBe(oid('c0', 3));
  expect(data.nobody).toBeNull();
  expect(sim.requests.map((r) => r.path)).toContain('/v1/customers/email=customer2%40example.com');
});

test('identifiers are validated before any call', async () => {
  for (const fields of [
    'customer(id: "../../v1/users") { id }',
    'customer(email: "a@b.c", phone: "+15005550001") { id }',
    'conversation(id: "x") { id }',
  ]) {
    const { errors } = await kustomer(fields);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
  expect(sim.requests).toHaveLength(0);
});

test("a customer's conversations and a conversation's messages, as Relay connections over page/pageSize", async () => {
  const first = await kustomer(`customer(id: "${CUSTOMER_ID}") {
    conversations(first: 10) { edges { cursor node { id name status priority customerId } } pageInfo { hasNextPage endCursor } } }`);
  expect(first.errors).toBeUndefined();
  const page1 = first.data.customer.conversations;
  expect(page1.edges).toHaveLength(10);
  expect(page1.edges[0].node).toEqual({
    id: CONVERSATION_ID,
    name: 'Question 1',
    status: 'DONE',
    priority: 3,
    customerId: CUSTOMER_ID,
  });
  expect(page1.pageInfo.hasNextPage).toBe(true);
  const third = await kustomer(`customer(id: "${CUSTOMER_ID}") {
    conversations(after: "${page1.pageInfo.endCursor}") { edges { node { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`);
  expect(third.data.customer.conversations.edges[0].node.name).toBe('Question 11');
  const last = await kustomer(`customer(id: "${CUSTOMER_ID}") {
    conversations(after: "${third.data.customer.conversations.pageInfo.endCursor}") { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }`);
  expect(last.data.customer.conversations.edges).toHaveLength(5);
  expect(last.data.customer.conversations.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  const conv = await kustomer(`conversation(id: "${CONVERSATION_ID}") { name messages(first: 3) {
    edges { node { id direction preview channel conversationId } } pageInfo { hasNextPage } } }`);
  expect(conv.errors).toBeUndefined();
  expect(conv.data.conversation.messages.edges[0].node).toMatchObject({
    direction: 'INBOUND',
    preview: 'Hi, where is my order?',
    conversationId: CONVERSATION_ID,
  });
  expect(conv.data.conversation.messages.pageInfo.hasNextPage).toBe(true);
  expect(sim.requests.filter((r) => r.path.endsWith('/conversations')).map((r) => r.query)).toEqual([
    { page: '1', pageSize: '10' },
    { page: '2', pageSize: '10' },
    { page: '3', pageSize: '10' },
  ]);
});

test('create a conversation', async () => {
  const { body } = await gw.graphql(
    `mutation { createKustomerConversation(input: { customerId: "${CUSTOMER_ID}", name: "Order #1001 question" }) {
      conversation { id name status customerId } } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.createKustomerConversation.conversation).toMatchObject({
    name: 'Order #1001 question',
    status: 'OPEN',
    customerId: CUSTOMER_ID,
  });
  expect(sim.conversations).toEqual([{ customer: CUSTOMER_ID, name: 'Order #1001 question' }]);
});

test('create a ticket with status, priority and assignment', async () => {
  const user = oid('f0', 1);
  const team = oid('f1', 1);
  const { body } = await gw.graphql(
    `mutation { createKustomerTicket(input: { customerId: "${CUSTOMER_ID}", name: "Refund request", priority: 5,
      assignedUserIds: ["${user}"], assignedTeamIds: ["${team}"] }) {
      conversation { name status priority assignedUserIds assignedTeamIds } } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.createKustomerTicket.conversation).toEqual({
    name: 'Refund request',
    status: 'OPEN',
    priority: 5,
    assignedUserIds: [user],
    assignedTeamIds: [team],
  });
  expect(sim.conversations[0]).toEqual({
    customer: CUSTOMER_ID,
    name: 'Refund request',
    status: 'open',
    priority: 5,
    assignedUsers: [user],
    assignedTeams: [team],
  });
});

test('a priority out of range is refused before any call', async () => {
  const { body } = await gw.graphql(
    `mutation { createKustomerTicket(input: { customerId: "${CUSTOMER_ID}", name: "X", priority: 9 }) { conversation { id } } }`,
    {},
    admin,
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(sim.requests).toHaveLength(0);
});

test('notes on a conversation and on a customer', async () => {
  const onConversation = await gw.graphql(
    `mutation { addKustomerNote(input: { conversationId: "${CONVERSATION_ID}", body: "Called the carrier." }) { note { body conversationId customerId } } }`,
    {},
    admin,
  );
  expect(onConversation.body.errors).toBeUndefined();
  expect(onConversation.body.data.addKustomerNote.note).toEqual({
    body: 'Called the carrier.',
    conversationId: CONVERSATION_ID,
    customerId: CUSTOMER_ID,
  });
  const onCustomer = await gw.graphql(
    `mutation { addKustomerNote(input: { customerId: "${CUSTOMER_ID}", body: "VIP" }) { note { body customerId conversationId } } }`,
    {},
    admin,
  );
  expect(onCustomer.body.data.addKustomerNote.note).toEqual({
    body: 'VIP',
    customerId: CUSTOMER_ID,
    conversationId: null,
  });
  expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    `POST /v1/conversations/${CONVERSATION_ID}/notes`,
    'POST /v1/notes',
  ]);
});

test('a member can read but not write, and the denial is audited', async () => {
  expect((await kustomer(`customer(id: "${CUSTOMER_ID}") { id }`, member)).errors).toBeUndefined();
  sim.reset();
  const { body } = await gw.graphql(
    `mutation { addKustomerNote(input: { customerId: "${CUSTOMER_ID}", body: "x" }) { note { id } } }`,
    {},
    member,
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(sim.requests).toHaveLength(0);
  const [latest] = await gw.auditLog(admin, 1, 'action outcome errorCode actorId');
  expect(latest).toEqual({
    action: 'kustomer.note.add',
    outcome: 'DENIED',
    errorCode: 'FORBIDDEN',
    actorId: 'bob',
  });
});

test('an admin write is audited with the target account', async () => {
  await gw.graphql(
    `mutation { createKustomerConversation(input: { customerId: "${CUSTOMER_ID}", name: "Hi" }) { conversation { id } } }`,
    {},
    admin,
  );
  const [latest] = await gw.auditLog(admin, 1, 'action outcome provider accountKey');
  expect(latest).toEqual({
    action: 'kustomer.conversation.create',
    outcome: 'OK',
    provider: 'KUSTOMER',
    accountKey: 'acme',
  });
});

test('another organization cannot claim the same subdomain', async () => {
  const other = await gw.token(newOrgId(), 'admin');
  const { body } = await gw.graphql(CONNECT, { subdomain: 'acme' }, other);
  expect(body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
});

test('an exhausted org-wide rate limit stops further calls until the window passes', async () => {
  sim.rateLimitRemaining = 1; // the next answer says 0 remain
  expect((await kustomer(`customer(id: "${CUSTOMER_ID}") { id }`)).errors).toBeUndefined();
  const { errors } = await kustomer(`customer(id: "${CUSTOMER_ID}") { id }`);
  expect(errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
  expect(errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
  expect(sim.requests).toHaveLength(1);
});

describe('upstream failures map to stable codes without leaking bodies or keys', () => {
  // A separate organization and subdomain: the rate-limit test above paused "acme" for a minute.
  let token: string;
  beforeAll(async () => {
    token = await gw.token(newOrgId(), 'admin');
    expect((await gw.graphql(CONNECT, { subdomain: 'other' }, token)).body.errors).toBeUndefined();
  });
  const cases: Array<[string, number, number, string]> = [
    ['401', 401, 1, 'UPSTREAM_AUTH_FAILED'],
    ['404', 404, 1, 'NOT_FOUND'],
    ['429', 429, 3, 'UPSTREAM_RATE_LIMITED'],
    ['500', 500, 3, 'UPSTREAM_UNAVAILABLE'],
  ];
  test.each(cases)('HTTP %s', async (_name, status, times, code) => {
    // The conversation lookup passes; the failure hits the messages list.
    sim.failNext(status, { times, skip: 1, retryAfterSeconds: status === 429 ? 0 : undefined });
    const { errors } = await kustomer(
      `conversation(id: "${CONVERSATION_ID}") { messages { edges { cursor } } }`,
      token,
    );
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).not.toMatch(/Injected failure/);
    expect(JSON.stringify(errors)).not.toContain(sim.apiKey);
  });

  test('a 404 on a lookup by id is null', async () => {
    const lookup = await kustomer(`conversation(id: "${oid('a9', 9)}") { id }`, token);
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data.conversation).toBeNull();
  });

  test('a key Kustomer rejects marks the integration ERROR', async () => {
    sim.failNext(401);
    await gw.graphql(
      'mutation { testIntegration(provider: KUSTOMER) { integration { __typename } } }',
      {},
      token,
    );
    const { data } = await kustomer('status errorMessage', token);
    expect(data.status).toBe('ERROR');
    expect(data.errorMessage).toMatch(/Kustomer rejected the gateway's credentials/);
    expect(data.errorMessage).not.toContain(sim.apiKey);
  });
});
