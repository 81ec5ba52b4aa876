import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

/**
 * Issue 14, "nested fan-out is not limited": an operation's upstream calls are estimated before it
 * runs (schema/cost.graphql), refused above MAX_UPSTREAM_CALLS_PER_OPERATION, charged to the
 * organization's Shopify budget, then reconciled with the calls the simulator actually received.
 */
const ACCESS_TOKEN = 'shpat_test_token';

const shop = (fields: string, variables = '') =>
  `query${variables} { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${fields} } } } }`;

/** The document: orders → customer → orders → customer → orders, no aliases, within the depth limit. */
const FIVE_LEVELS = (a = '', b = '', c = '') =>
  shop(
    `orders${a} { edges { node { id customer { id orders${b} { id customer { id orders${c} { id name } } } } } } }`,
  );

async function connect(gw: TestGateway, org: string, store: string): Promise<string> {
  const admin = await gw.token(org, 'admin');
  const { body } = await gw.graphql(
    `mutation($store: String!) { connectIntegration(input: { shopify: { storeName: $store } }) { integration { ... on ShopifyIntegration { status } } } }`,
    { store },
    admin,
  );
  expect(body.errors).toBeUndefined();
  return gw.token(org, 'member');
}

describe('estimate and ceiling', () => {
  let sim: ShopifySimulator;
  let gw: TestGateway;
  let member: string;

  beforeAll(async () => {
    sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
    gw = await startTestGateway({
      SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
      SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    });
    member = await connect(gw, newOrgId(), 'fanout-store');
  });
  beforeEach(() => sim.reset());
  afterEach(() => expect(sim.invalidQueries).toEqual([]));
  afterAll(async () => {
    await gw.close();
    await sim.close();
  });

  test("the issue's five-level query is refused with QUERY_TOO_COMPLEX before any Shopify call", async () => {
    // Defaults: 1 (orders) + 1 (20 customers, one batch) + 20 (their orders, 10 each)
    // + 20 (one customer batch per list) + 200 (those customers' orders) = 242 > 200.
    const { status, body } = await gw.graphql(FIVE_LEVELS(), {}, member);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      estimatedCalls: 242,
      estimatedCallsByProvider: { SHOPIFY: 242 },
      maxUpstreamCalls: 200,
    });
    expect(body.errors?.[0]?.message).toMatch(/up to 242 provider calls .*limit is 200/);

    // Shopify's page size: the same document would be ~10^6 calls; still refused, still nothing sent.
    const big = await gw.graphql(FIVE_LEVELS('(first: 100)', '(first: 100)', '(first: 100)'), {}, member);
    expect(big.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(big.body.errors?.[0]?.extensions?.estimatedCalls).toBe(1 + 1 + 100 + 100 + 100 * 100);
    expect(sim.graphqlCalls()).toBe(0);
  });

  test('the same query with small lists is allowed, and the calls Shopify received stay within the estimate', async () => {
    // 1 + 1 + 4 + 4 (one customer batch per list) + 16 = 26.
    const { body } = await gw.graphql(FIVE_LEVELS('(first: 4)', '(first: 4)', '(first: 4)'), {}, member);
    expect(body.errors).toBeUndefined();
    const edges = body.data.organization.integration.orders.edges;
    expect(edges).toHaveLength(4);
    const received = sim.graphqlCalls('fanout-store');
    expect(received).toBeGreaterThan(3);
    expect(received).toBeLessThanOrEqual(26);
  });

  test('a modest nested query is allowed; actual calls ≤ estimate', async () => {
    // 1 (orders) + 1 (customers batch) + 5 (each customer's orders) + 5 (line items, 8 orders a batch).
    const { body } = await gw.graphql(
      shop(
        `orders(first: 5) { edges { node { name customer { displayName orders(first: 3) { name lineItems { title } } } } } }`,
      ),
      {},
      member,
    );
    expect(body.errors).toBeUndefined();
    const received = sim.graphqlCalls('fanout-store');
    expect(received).toBeGreaterThan(2);
    expect(received).toBeLessThanOrEqual(12);
  });

  test('variables driving `first` are honoured (and an absent one takes the argument default)', async () => {
    const query = shop(
      `orders(first: $outer) { edges { node { customer { orders(first: $inner) { id customer { id } } } } } }`,
      '($outer: Int, $inner: Int)',
    );
    // 1 + 1 + 100 + 100 × ceil(50/100) = 202.
    const refused = await gw.graphql(query, { outer: 100, inner: 50 }, member);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      estimatedCalls: 202,
    });
    expect(sim.graphqlCalls()).toBe(0);

    // 1 + 1 + 3 + 3.
    const allowed = await gw.graphql(query, { outer: 3, inner: 2 }, member);
    expect(allowed.body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBeGreaterThan(0);
    expect(sim.graphqlCalls()).toBeLessThanOrEqual(8);
    sim.reset();

    // No variables: the SDL defaults (orders 20, customer orders 10) give 1 + 1 + 20 + 20 = 42: allowed.
    const defaults = await gw.graphql(query, {}, member);
    expect(defaults.body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBeLessThanOrEqual(42);
  });

  test('fragments and inline fragments are counted like the fields they hold', async () => {
    const viaFragments = `
      query { organization { integration(provider: SHOPIFY) { ...Shop } } }
      fragment Shop on ShopifyIntegration { orders { edges { node { ...OrderWithCustomer } } } }
      fragment OrderWithCustomer on ShopifyOrder { id customer { ... on ShopifyCustomer { orders { ...Deeper } } } }
      fragment Deeper on ShopifyOrder { customer { orders { id } } }`;
    const { status, body } = await gw.graphql(viaFragments, {}, member);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', estimatedCalls: 242 });

    // @skip on the costly branch takes it out of the estimate.
    const skipped = await gw.graphql(
      `query($deep: Boolean!) { organization { integration(provider: SHOPIFY) { ...Shop } } }
       fragment Shop on ShopifyIntegration { orders(first: 2) { edges { node { id customer @skip(if: $deep) { orders { customer { orders { id } } } } } } } }`,
      { deep: true },
      member,
    );
    expect(skipped.body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBe(1);
  });

  test('the same provider field through every integration counts once per provider', async () => {
    // `integrations` holds one item per provider: Shopify's orders are estimated once (1 + 1).
    const { body } = await gw.graphql(
      `{ organization { integrations { ... on ShopifyIntegration { orders(first: 2) { edges { node { customer { id } } } } } } } }`,
      {},
      member,
    );
    expect(body.errors).toBeUndefined();
    expect(sim.graphqlCalls()).toBeLessThanOrEqual(2);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
const budgetStores: Array<[string, string | undefined]> = [['in memory', undefined]];
if (redisUrl) budgetStores.push(['shared through Redis', redisUrl]);
describe.each(budgetStores)('per-organization Shopify budget (%s)', (_name, redis) => {
  let sim: ShopifySimulator;
  let gw: TestGateway;

  beforeAll(async () => {
    // Every Shopify answer takes 400 ms, so requests sent together are all charged before any ends.
    sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN, latencyMs: 400 });
    gw = await startTestGateway({
      SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
      SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
      // Shopify's 1,200 calls a minute × 0.35 = 420 per organization.
      RATE_LIMIT_SCALE: '0.35',
      // A hundred calls in flight on a busy machine: no deadline should turn one into an error here.
      UPSTREAM_TIMEOUT_MS: '30000',
      ...(redis ? { REDIS_URL: redis } : {}),
    });
  });
  afterAll(async () => {
    await gw.close();
    await sim.close();
  });

  // 1 (customers) + 99 (each customer's orders) = 100 by the estimate; the store has 25 customers.
  const HUNDRED = shop(`customers(first: 99) { edges { node { id orders(first: 1) { id } } } }`);

  test('four requests that fit exhaust the budget, the fifth is RATE_LIMITED before any call; another organization is unaffected', async () => {
    const busy = await connect(gw, newOrgId(), 'busy-store');
    const quiet = await connect(gw, newOrgId(), 'quiet-store');
    sim.reset();

    const results = await Promise.all(Array.from({ length: 5 }, () => gw.graphql(HUNDRED, {}, busy)));
    const outcomes = results.map((r) => {
      const error = r.body.errors?.[0];
      return error ? `${error.extensions?.code}: ${error.message}` : 'OK';
    });
    expect(outcomes.sort()).toEqual(['OK', 'OK', 'OK', 'OK', expect.stringMatching(/^RATE_LIMITED: /)]);
    const refused = results.find((r) => r.body.errors)!;
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    expect(refused.body.errors?.[0]?.extensions?.estimatedCalls).toBe(100);
    // Four requests ran, each 1 + 25 calls: the refused one sent nothing.
    expect(sim.graphqlCalls('busy-store')).toBe(4 * 26);

    const other = await gw.graphql(HUNDRED, {}, quiet);
    expect(other.body.errors).toBeUndefined();
  });

  test('a mutation that does not fit is refused by its field, before its call, and audited as DENIED', async () => {
    const org = newOrgId();
    sim.reset();
    const member = await connect(gw, org, `tight-${redis ? 'r' : 'm'}`);
    const admin = await gw.token(org, 'admin');
    const used = sim.graphqlCalls(); // the connection's calls, charged after they were made
    expect(used).toBeLessThan(19);
    sim.reset();
    // 4 × 100 and a filler of the rest (1 + (19 - used)) take the whole 420 while they run.
    const filler = shop(`customers(first: ${19 - used}) { edges { node { id orders(first: 1) { id } } } }`);
    const running = Promise.all(
      [...Array.from({ length: 4 }, () => HUNDRED), filler].map((q) => gw.graphql(q, {}, member)),
    );
    // Each query is charged before its first call: once all five first calls arrived (each answers
    // only after 400 ms), the whole budget is taken. Polled, not slept: a busy machine may need longer.
    while (sim.graphqlCalls() < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    const { status, body } = await gw.graphql(
      `mutation { createShopifyDraftOrder(input: { lineItems: [{ variantId: "1", quantity: 1 }] }) { draftOrder { id } } }`,
      {},
      admin,
    );
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(body.errors?.[0]?.path).toEqual(['createShopifyDraftOrder']);
    expect((await running).every((r) => r.body.errors === undefined)).toBe(true);
    expect(sim.requests.some((r) => r.query?.includes('draftOrderCreate'))).toBe(false);
    // Reads are audited too (one row per operation): find the mutation's own row.
    expect(await gw.auditLog(admin, 10, 'action outcome errorCode')).toContainEqual({
      action: 'shopify.draft_order.create',
      outcome: 'DENIED',
      errorCode: 'RATE_LIMITED',
    });
  });

  test('the estimate is reconciled with the calls made: what was not used is given back', async () => {
    const member = await connect(gw, newOrgId(), 'steady-store');
    // 6 × 100 would not fit 420 if estimates stayed charged; each one uses 26 and gets 74 back.
    for (let i = 0; i < 6; i++) {
      const { body } = await gw.graphql(HUNDRED, {}, member);
      expect(body.errors).toBeUndefined();
    }
    // 6 × 26 = 156 calls used, plus the connection's: 420 - 156 - 1 leaves room for two more at once,
    // not for three (the estimates are charged while they run).
    const results = await Promise.all(Array.from({ length: 3 }, () => gw.graphql(HUNDRED, {}, member)));
    const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.sort()).toEqual(['OK', 'OK', 'RATE_LIMITED']);
  });
});
