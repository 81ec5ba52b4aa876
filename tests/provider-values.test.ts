/**
 * Provider data that the provider's contract allows, however unusual, answers data (null where a
 * value does not fit our schema) with one warning per field, never a failed field; and every error
 * a client sees as INTERNAL_SERVER_ERROR is logged once, with the request id and the stack.
 * Fed through the simulators, which check that what they answer is valid for the provider.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../src/observability/logger';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startKlaviyoSimulator, type KlaviyoSimulator } from './support/klaviyo-simulator';
import {
  CUSTOMER_ID,
  oid,
  startKustomerSimulator,
  type KustomerSimulator,
} from './support/kustomer-simulator';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

const SHOPIFY_TOKEN = 'shpat_test_token';

let klaviyoSim: KlaviyoSimulator;
let kustomerSim: KustomerSimulator;
let shopifySim: ShopifySimulator;
let gw: TestGateway;
let admin: string;
const lines: Array<Record<string, any>> = [];

beforeAll(async () => {
  [klaviyoSim, kustomerSim, shopifySim] = await Promise.all([
    startKlaviyoSimulator(),
    startKustomerSimulator(),
    startShopifySimulator({ accessToken: SHOPIFY_TOKEN }),
  ]);
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  gw = await startTestGateway(
    {
      KLAVIYO_PRIVATE_API_KEY: klaviyoSim.privateKey,
      KLAVIYO_API_BASE_URL: klaviyoSim.url,
      KUSTOMER_API_KEY: kustomerSim.apiKey,
      KUSTOMER_API_BASE_URL: kustomerSim.baseUrlTemplate,
      SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
      SHOPIFY_API_BASE_URL: shopifySim.baseUrlTemplate,
    },
    { logger: createLogger('info', sink) },
  );
  admin = await gw.token(newOrgId(), 'admin', 'alice');
  const { body } = await gw.graphql(
    `mutation {
      k: connectIntegration(input: { klaviyo: { companyId: "${klaviyoSim.companyId}" } }) { integration { __typename } }
      c: connectIntegration(input: { kustomer: { subdomain: "acme" } }) { integration { __typename } }
      s: connectIntegration(input: { shopify: { storeName: "acme-store" } }) { integration { __typename } }
    }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([klaviyoSim?.close(), kustomerSim?.close(), shopifySim?.close()]);
});

afterEach(() => {
  // What the simulators answered (and what the gateway asked) was valid for each provider.
  const violations = [...klaviyoSim.violations, ...kustomerSim.violations];
  const invalid = [...shopifySim.invalidQueries];
  klaviyoSim.reset();
  kustomerSim.reset();
  shopifySim.reset();
  expect(violations).toEqual([]);
  expect(invalid).toEqual([]);
});

/** Runs a query under a fresh request id; returns the body and that request's log lines. */
async function run(query: string) {
  const requestId = `test-${randomUUID()}`;
  const { body } = await gw.graphql(query, {}, admin, { 'x-request-id': requestId });
  // The access-log line is written when the response finishes; wait for it so every line is in.
  for (let i = 0; i < 100 && !lines.some((l) => l.requestId === requestId && l.msg === 'request'); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const mine = lines.filter((l) => l.requestId === requestId);
  return {
    body,
    warnings: mine.filter((l) => l.level === 'warn'),
    errorLines: mine.filter((l) => l.level === 'error'),
  };
}

const integration = (provider: string, fields: string) =>
  `{ organization { integration(provider: ${provider}) { ... on ${
    provider[0] + provider.slice(1).toLowerCase()
  }Integration { ${fields} } } } }`;

test('Klaviyo: a metric whose `created` is not ISO-8601 (the document types it as any string) answers null', async () => {
  const metric = klaviyoSim.data.metrics[1]!;
  metric.created = 'yesterday';
  metric.updated = null;
  const { body, warnings, errorLines } = await run(
    integration('KLAVIYO', 'metrics { edges { node { id name createdAt updatedAt } } }'),
  );
  expect(body.errors).toBeUndefined();
  const nodes = body.data.organization.integration.metrics.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(3);
  expect(nodes[1]).toEqual({ id: metric.id, name: metric.name, createdAt: null, updatedAt: null });
  expect(nodes[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ provider: 'klaviyo', field: 'metric.created' });
  expect(errorLines).toEqual([]);
});

test("Shopify: a customer's numberOfOrders beyond GraphQL's Int (UnsignedInt64) answers null; a guest order has no customer", async () => {
  const customers = shopifySim.fixtures('acme-store').customers;
  customers[0]!.numberOfOrders = '4294967296';
  const { body, warnings, errorLines } = await run(
    integration(
      'SHOPIFY',
      `customers(first: 2) { edges { node { id numberOfOrders createdAt } } }
       order(name: "#1013") { name customer { id } createdAt processedAt cancelledAt }`,
    ),
  );
  expect(body.errors).toBeUndefined();
  const nodes = body.data.organization.integration.customers.edges.map((e: any) => e.node);
  expect(nodes[0].numberOfOrders).toBeNull();
  expect(typeof nodes[1].numberOfOrders).toBe('number');
  expect(body.data.organization.integration.order).toMatchObject({
    name: '#1013',
    customer: null,
    cancelledAt: null,
  });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ provider: 'shopify', field: 'Customer.numberOfOrders' });
  expect(errorLines).toEqual([]);
});

test('Kustomer: a conversation without attributes answers its id with empty fields', async () => {
  const id = oid('a0', 99);
  kustomerSim.fixtures().conversations.push({ type: 'conversation', id });
  const { body, warnings, errorLines } = await run(
    integration(
      'KUSTOMER',
      `conversation(id: "${id}") {
        id name status priority channels messageCount noteCount assignedUserIds assignedTeamIds tags customerId createdAt updatedAt
      }`,
    ),
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.organization.integration.conversation).toEqual({
    id,
    name: null,
    status: null,
    priority: null,
    channels: [],
    messageCount: 0,
    noteCount: 0,
    assignedUserIds: [],
    assignedTeamIds: [],
    tags: [],
    customerId: null,
    createdAt: null,
    updatedAt: null,
  });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ provider: 'kustomer', field: 'conversation.attributes' });
  expect(errorLines).toEqual([]);
});

test('Kustomer: loosely typed attributes (a number as text, null lists, an unknown status, a date that is not one)', async () => {
  const data = kustomerSim.fixtures();
  const customer = data.customers.find((c) => c.id === CUSTOMER_ID)!;
  Object.assign(customer.attributes, { emails: null, phones: null, lastActivityAt: 'last Tuesday' });
  const conversation = data.conversations[0]!;
  Object.assign(conversation.attributes, { priority: '4', channels: null, tags: null, status: 'waiting' });
  const { body, warnings, errorLines } = await run(
    integration(
      'KUSTOMER',
      `customer(id: "${CUSTOMER_ID}") {
        emails phones createdAt lastActivityAt
        conversations(first: 1) { edges { node { id status priority channels tags } } }
      }`,
    ),
  );
  expect(body.errors).toBeUndefined();
  const found = body.data.organization.integration.customer;
  expect(found).toMatchObject({ emails: [], phones: [], lastActivityAt: null });
  expect(found.createdAt).toMatch(/Z$/);
  expect(found.conversations.edges[0].node).toEqual({
    id: conversation.id,
    status: 'WAITING',
    priority: 4,
    channels: [],
    tags: [],
  });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ provider: 'kustomer', field: 'customer.lastActivityAt' });
  expect(errorLines).toEqual([]);
});

test('an error masked as INTERNAL_SERVER_ERROR is logged once at error level with the request id and stack', async () => {
  const spy = jest
    .spyOn(gw.gateway.services.integrations, 'listAll')
    .mockRejectedValueOnce(new Error('integrations store exploded'));
  try {
    const { body, errorLines } = await run('{ organization { integrations { __typename } } }');
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Internal server error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(body)).not.toContain('exploded');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]!.requestId).toMatch(/^test-/);
    expect(errorLines[0]!.err.stack).toContain('integrations store exploded');
  } finally {
    spy.mockRestore();
  }
});

test.each([
  ['KLAVIYO', 'lists(first: 1) { edges { node { id } } }', () => klaviyoSim.failNext(503)],
  ['KUSTOMER', `customer(id: "${CUSTOMER_ID}") { id }`, () => kustomerSim.failNext(503)],
])("a retried %s call's log line carries the request id", async (provider, fields, fail) => {
  fail();
  const { body, warnings } = await run(integration(provider, fields));
  expect(body.errors).toBeUndefined();
  expect(warnings.filter((l) => l.msg === 'retrying provider call')).toEqual([
    expect.objectContaining({
      provider: provider.toLowerCase(),
      status: 503,
      requestId: expect.stringMatching(/^test-/),
    }),
  ]);
});
