import fs from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { ALL_DOCUMENTS } from '../src/datasources/shopify/shopify.queries';
import { contractPath } from './support/contracts';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';

test('every document the Shopify data source can send is valid against the published 2025-01 schema', () => {
  const schema = buildSchema(
    fs.readFileSync(contractPath('shopify', 'admin_schema_2025-01.graphql'), 'utf8'),
  );
  const invalid = Object.entries(ALL_DOCUMENTS)
    .map(([name, doc]) => [name, validate(schema, parse(doc)).map((e) => e.message)] as const)
    .filter(([, errors]) => errors.length > 0);
  expect(invalid).toEqual([]);
});

describe('client-credentials grant (no SHOPIFY_ADMIN_ACCESS_TOKEN)', () => {
  let sim: ShopifySimulator;
  let gw: TestGateway;

  beforeAll(async () => {
    sim = await startShopifySimulator({ notInstalledStores: ['not-installed'] });
    gw = await startTestGateway({
      SHOPIFY_ADMIN_API_KEY: 'test-client-id',
      SHOPIFY_ADMIN_API_SECRET: 'test-client-secret',
      SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    });
  });
  afterEach(() => expect(sim.invalidQueries).toEqual([]));
  afterAll(async () => {
    await gw.close();
    await sim.close();
  });

  const connect = async (store: string) => {
    const token = await gw.token(newOrgId(), 'admin');
    await gw.graphql(
      `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { integration { __typename } } }`,
      { s: store },
      token,
    );
    return token;
  };
  const PRODUCTS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 1) { edges { node { id } } } } } } }`;

  test('one token request per store, even for concurrent first requests; the token is then reused', async () => {
    const token = await connect('granted-store');
    const results = await Promise.all(Array.from({ length: 5 }, () => gw.graphql(PRODUCTS, {}, token)));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    await gw.graphql(PRODUCTS, {}, token);
    const grants = sim.requests.filter((r) => r.endpoint === 'oauth' && r.store === 'granted-store');
    expect(grants).toHaveLength(1);
    expect(grants[0]!.body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: 'test-client-id',
      client_secret: 'test-client-secret',
    });
    const issued = sim.issuedTokens.find((t) => t.store === 'granted-store')!;
    const graphql = sim.requests.filter((r) => r.endpoint === 'graphql' && r.store === 'granted-store');
    expect(graphql).toHaveLength(6);
    expect(graphql.every((r) => r.headers['x-shopify-access-token'] === issued.accessToken)).toBe(true);
  });

  test('a store that has not installed the app: UPSTREAM_AUTH_FAILED saying so, and the integration shows it', async () => {
    const token = await connect('not-installed');
    const { body } = await gw.graphql(PRODUCTS, {}, token);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/not installed on the store "not-installed"/);
    expect(JSON.stringify(body)).not.toMatch(/test-client-secret/);
    const status = await gw.graphql(
      `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { status errorMessage } } } }`,
      {},
      token,
    );
    expect(status.body.data.organization.integration).toEqual({
      status: 'ERROR',
      errorMessage: expect.stringMatching(/not installed/),
    });
  });

  test('an expired token is replaced after Shopify refuses it', async () => {
    const token = await connect('rotating-store');
    expect((await gw.graphql(PRODUCTS, {}, token)).body.errors).toBeUndefined();
    sim.expireIssuedTokens();
    const refused = await gw.graphql(PRODUCTS, {}, token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
    // The refused token was forgotten: the next call asks for a fresh one and works.
    const again = await gw.graphql(PRODUCTS, {}, token);
    expect(again.body.errors).toBeUndefined();
    expect(sim.requests.filter((r) => r.endpoint === 'oauth' && r.store === 'rotating-store')).toHaveLength(
      2,
    );
  });
});

test('without any Shopify credentials the gateway starts and answers PROVIDER_NOT_CONFIGURED', async () => {
  const gw = await startTestGateway({});
  try {
    const token = await gw.token(newOrgId(), 'admin');
    // Connecting is refused: a green CONNECTED that no call can honour would mislead.
    const connect = await gw.graphql(
      `mutation { connectIntegration(input: { shopify: { storeName: "s" } }) { integration { __typename } } }`,
      {},
      token,
    );
    expect(connect.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(connect.body.errors?.[0]?.message).toMatch(/SHOPIFY_ADMIN_ACCESS_TOKEN/);
    const audit = await gw.auditLog(token, 1, 'action outcome errorCode provider');
    expect(audit).toEqual([
      {
        action: 'integration.connect',
        outcome: 'ERROR',
        errorCode: 'PROVIDER_NOT_CONFIGURED',
        provider: 'SHOPIFY',
      },
    ]);
    const { body } = await gw.graphql(
      `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { configured products { edges { node { id } } } } } } }`,
      {},
      token,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(body.data.organization.integration).toEqual({ configured: false, products: null });

    // A test of a row connected before the platform dropped the credentials reports the failure
    // like any other: ERROR with its message, and the code.
    await gw.db('integrations').insert({
      organization_id: (await gw.graphql('{ viewer { organization { id } } }', {}, token)).body.data.viewer
        .organization.id,
      provider: 'shopify',
      status: 'connected',
      account_identifier: JSON.stringify({ storeName: 'legacy-store' }),
      account_key: 'legacy-store',
    });
    const tested = await gw.graphql(
      `mutation { testIntegration(provider: SHOPIFY) { errorCode integration { ... on ShopifyIntegration { status errorMessage } } } }`,
      {},
      token,
    );
    expect(tested.body.errors).toBeUndefined();
    expect(tested.body.data.testIntegration.errorCode).toBe('PROVIDER_NOT_CONFIGURED');
    expect(tested.body.data.testIntegration.integration.status).toBe('ERROR');
    expect(tested.body.data.testIntegration.integration.errorMessage).toMatch(/not configured/);
  } finally {
    await gw.close();
  }
});

describe('Shopify cost pacing', () => {
  test('calls wait for the cost bucket instead of being throttled; none is wasted on a THROTTLED answer', async () => {
    const sim = await startShopifySimulator({ enforceRateLimit: true });
    const gw = await startTestGateway({
      SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_test_token',
      SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    });
    try {
      const token = await gw.token(newOrgId(), 'admin');
      await gw.graphql(
        `mutation { connectIntegration(input: { shopify: { storeName: "busy-store" } }) { integration { __typename } } }`,
        {},
        token,
      );
      const query = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 100) { edges { node { id } } } } } } }`;
      const codes: string[] = [];
      for (let i = 0; i < 28; i++) {
        const { body } = await gw.graphql(query, {}, token);
        codes.push(body.errors?.[0]?.extensions?.code ?? 'OK');
      }
      const ok = codes.filter((c) => c === 'OK').length;
      // Each page asks for 402 points and spends 76 (Shopify refunds the difference): the bucket
      // (2,000 points, 100/s) runs short after about twenty; the rest wait for the refill (or are
      // refused fast), never spending a round trip on a THROTTLED answer.
      expect(ok).toBeGreaterThanOrEqual(20);
      expect(codes.every((c) => c === 'OK' || c === 'UPSTREAM_RATE_LIMITED')).toBe(true);
      expect(sim.graphqlCalls('busy-store')).toBe(ok);
      expect(sim.invalidQueries).toEqual([]);
    } finally {
      await gw.close();
      await sim.close();
    }
  });
});
