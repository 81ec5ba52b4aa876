import { startShopifySimulator } from './shopify-simulator';
import type { ShopifySimulator } from './shopify-simulator';
import { FIXTURE_COUNTS, gid } from './shopify-fixtures';

const TOKEN = 'shpat_test_token';

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[] | string;
  extensions?: {
    cost?: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: Record<string, number>;
    };
  };
}

interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

describe('Shopify simulator', () => {
  let sim: ShopifySimulator;

  beforeAll(async () => {
    sim = await startShopifySimulator({ notInstalledStores: ['uninstalled'] });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  const endpoint = (store: string): string =>
    `${sim.baseUrlTemplate.replace('{store}', store)}/admin/api/2025-01/graphql.json`;

  async function gql(
    query: string,
    variables?: Record<string, unknown>,
    opts: { store?: string; token?: string | null } = {},
  ) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token !== null) headers['x-shopify-access-token'] = token;
    const res = await fetch(endpoint(opts.store ?? 'acme'), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlBody };
  }

  const PRODUCTS = /* GraphQL */ `
    query Products($first: Int, $after: String, $last: Int, $before: String, $query: String) {
      products(first: $first, after: $after, last: $last, before: $before, query: $query) {
        edges {
          cursor
          node {
            id
            title
            status
          }
        }
        nodes {
          id
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  `;

  it('pages products forwards and backwards with Relay cursors', async () => {
    const first = await gql(PRODUCTS, { first: 10 });
    expect(first.status).toBe(200);
    const page1 = first.body.data?.products as Page<{ id: string; title: string }>;
    expect(page1.nodes.map((n) => n.id)).toEqual(Array.from({ length: 10 }, (_, i) => gid('Product', i + 1)));
    expect(page1.edges).toHaveLength(10);
    expect(page1.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page1.edges[0]?.cursor,
      endCursor: page1.edges[9]?.cursor,
    });
    expect(first.body.extensions?.cost?.throttleStatus).toMatchObject({
      maximumAvailable: 2000,
      restoreRate: 100,
    });
    expect(first.body.extensions?.cost?.requestedQueryCost).toBeGreaterThan(10);

    const last = await gql(PRODUCTS, { first: 25, after: page1.pageInfo.endCursor });
    const page2 = last.body.data?.products as Page<{ id: string }>;
    expect(page2.nodes).toHaveLength(FIXTURE_COUNTS.products - 10);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(page2.pageInfo.hasPreviousPage).toBe(true);

    const back = await gql(PRODUCTS, { last: 3, before: page2.pageInfo.startCursor });
    const page0 = back.body.data?.products as Page<{ id: string }>;
    expect(page0.nodes.map((n) => n.id)).toEqual([gid('Product', 8), gid('Product', 9), gid('Product', 10)]);

    const missing = await gql(PRODUCTS, {});
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ message: 'you must provide one of first or last' }),
    ]);
  });

  it('filters with the search syntax and resolves nested data', async () => {
    const drafts = await gql(PRODUCTS, { first: 50, query: 'status:draft' });
    expect((drafts.body.data?.products as Page<{ status: string }>).nodes.length).toBeGreaterThan(0);
    expect(
      (drafts.body.data?.products as Page<{ status: string }>).edges.every((e) => e.node.status === 'DRAFT'),
    ).toBe(true);

    const res = await gql(`{
      orders(first: 1, query: "name:#1001") { nodes { name customer { email numberOfOrders }
        lineItems(first: 5) { nodes { sku variant { inventoryItem { inventoryLevels(first: 3) {
          nodes { quantities(names: ["available", "on_hand"]) { name quantity } } } } } } }
        fulfillments { trackingInfo { number url company } } } }
      customers(first: 5, query: "email:ava.johnson1@example.com") { nodes { id firstName } }
      nodes(ids: ["gid://shopify/Product/1", "gid://shopify/Order/9999"]) { __typename id }
    }`);
    expect(res.body.errors).toBeUndefined();
    const order = (res.body.data?.orders as Page<Record<string, unknown>>).nodes[0];
    expect(order?.name).toBe('#1001');
    expect(Number((order?.customer as { numberOfOrders: string }).numberOfOrders)).toBeGreaterThan(1);
    expect(
      (order?.fulfillments as { trackingInfo: { number: string }[] }[])[0]?.trackingInfo[0]?.number,
    ).toEqual(expect.any(String));
    expect((res.body.data?.customers as Page<{ firstName: string }>).nodes).toEqual([
      { id: gid('Customer', 1), firstName: 'Ava' },
    ]);
    expect(res.body.data?.nodes).toEqual([{ __typename: 'Product', id: gid('Product', 1) }, null]);
    expect(sim.defaultedFields.size).toBe(0);
  });

  it('records schema-invalid queries and answers like Shopify (200 + errors)', async () => {
    const res = await gql('{ products(first: 1) { nodes { id notAField } } }');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.errors)).toBe(true);
    expect(res.body.data).toBeUndefined();
    expect(sim.invalidQueries).toHaveLength(1);
    expect(sim.invalidQueries[0]?.errors[0]).toMatch(/notAField/);

    // Shopify refuses queries above the single-query cost limit (1000) before running them.
    const tooExpensive = await gql(
      '{ products(first: 250) { nodes { variants(first: 100) { nodes { id } } } } }',
    );
    expect(tooExpensive.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'MAX_COST_EXCEEDED' }) }),
    ]);
    expect(sim.invalidQueries).toHaveLength(2);
  });

  it('rejects a wrong or missing access token with 401', async () => {
    const wrong = await gql('{ shop { name } }', undefined, { token: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });
    const missing = await gql('{ shop { name } }', undefined, { token: null });
    expect(missing.status).toBe(401);
    expect(sim.graphqlCalls('acme')).toBe(2);
  });

  it('issues client-credentials tokens that are then accepted', async () => {
    const grant = (store: string, secret = 'test-client-secret') =>
      fetch(`${sim.baseUrlTemplate.replace('{store}', store)}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'test-client-id',
          client_secret: secret,
        }),
      });

    const ok = await grant('acme');
    expect(ok.status).toBe(200);
    const token = (await ok.json()) as { access_token: string; scope: string; expires_in: number };
    expect(token).toEqual({
      access_token: expect.stringMatching(/^shpat_/),
      scope: expect.any(String),
      expires_in: 86399,
    });
    expect(sim.issuedTokens.map((t) => t.accessToken)).toEqual([token.access_token]);

    expect((await gql('{ shop { name } }', undefined, { token: token.access_token })).status).toBe(200);
    // Tokens are per store.
    expect(
      (await gql('{ shop { name } }', undefined, { token: token.access_token, store: 'other' })).status,
    ).toBe(401);

    const badSecret = await grant('acme', 'wrong');
    expect(badSecret.status).toBe(400);
    expect(await badSecret.json()).toMatchObject({ error: 'invalid_client' });

    const notInstalled = await grant('uninstalled');
    expect(notInstalled.status).toBe(400);
    expect(await notInstalled.json()).toEqual({
      error: 'app_not_installed',
      error_description: 'The application is not installed on this shop.',
    });

    sim.expireIssuedTokens();
    expect((await gql('{ shop { name } }', undefined, { token: token.access_token })).status).toBe(401);
  });

  it('injects faults and throttles', async () => {
    sim.failNext({ status: 503, retryAfter: '1', times: 2 });
    const a = await gql('{ shop { name } }');
    const b = await gql('{ shop { name } }');
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await gql('{ shop { name } }')).status).toBe(200);

    sim.failNext({ status: 429, body: { errors: 'custom' } });
    const limited = await gql('{ shop { name } }');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ errors: 'custom' });

    sim.throttleNext();
    const throttled = await gql('{ shop { name } }');
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([
      {
        message: 'Throttled',
        extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
      },
    ]);
    expect(throttled.body.extensions?.cost?.actualQueryCost).toBeNull();
    expect((await gql('{ shop { name } }')).body.data).toEqual({ shop: { name: 'Acme Test Shop' } });
    expect(sim.graphqlCalls()).toBe(6);
  });

  it('creates draft orders and reports userErrors for bad input', async () => {
    const CREATE = `mutation Create($input: DraftOrderInput!) {
      draftOrderCreate(input: $input) {
        draftOrder { id name status invoiceUrl totalPriceSet { shopMoney { amount currencyCode } } }
        userErrors { field message }
      }
    }`;
    const ok = await gql(CREATE, {
      input: {
        email: 'buyer@example.com',
        lineItems: [{ variantId: gid('ProductVariant', 1), quantity: 2 }],
      },
    });
    const payload = ok.body.data?.draftOrderCreate as {
      draftOrder: Record<string, unknown>;
      userErrors: unknown[];
    };
    expect(payload.userErrors).toEqual([]);
    expect(payload.draftOrder).toMatchObject({ status: 'OPEN', name: `#D${FIXTURE_COUNTS.draftOrders + 1}` });
    expect(payload.draftOrder.invoiceUrl).toMatch(
      /^https:\/\/acme\.myshopify\.com\/\d+\/invoices\/[0-9a-f]{32}$/,
    );

    const created = await gql('query($id: ID!) { draftOrder(id: $id) { name } }', {
      id: payload.draftOrder.id,
    });
    expect(created.body.data?.draftOrder).toEqual({ name: payload.draftOrder.name });

    const bad = await gql(CREATE, {
      input: { lineItems: [{ variantId: gid('ProductVariant', 99999), quantity: 1 }] },
    });
    const badPayload = bad.body.data?.draftOrderCreate as {
      draftOrder: unknown;
      userErrors: { field: string[] }[];
    };
    expect(badPayload.draftOrder).toBeNull();
    expect(badPayload.userErrors[0]?.field).toEqual(['lineItems', '0', 'variantId']);

    const empty = await gql(CREATE, { input: { lineItems: [] } });
    expect(
      (empty.body.data?.draftOrderCreate as { userErrors: { field: string[] }[] }).userErrors[0]?.field,
    ).toEqual(['lineItems']);

    // reset() restores the fixtures.
    sim.reset();
    const after = await gql('query($id: ID!) { draftOrder(id: $id) { name } }', {
      id: payload.draftOrder.id,
    });
    expect(after.body.data?.draftOrder).toBeNull();
  });
});
