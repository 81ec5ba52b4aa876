import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';
import { ShopifyWebhookSender, shopifyPayloads } from './support/shopify-webhooks';
import { settledEvent } from './support/webhook-helpers';

/**
 * Who may claim an account (issue 14): with ACCOUNT_CLAIM_POLICY=approval a new connection waits as
 * PENDING, makes no provider call and gets no webhook until a platform administrator approves it or
 * the organization proves control (Shopify: a shop metafield holding the claim token).
 */
const ACCESS_TOKEN = 'shpat_claims_token';
const WEBHOOK_SECRET = 'shopify-webhook-secret-for-claims';
const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let sim: ShopifySimulator;
let gw: TestGateway;
let open: TestGateway;

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: ACCESS_TOKEN });
  const shopify = {
    SHOPIFY_ADMIN_ACCESS_TOKEN: ACCESS_TOKEN,
    SHOPIFY_API_BASE_URL: sim.baseUrlTemplate,
    SHOPIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    JOBS_POLL_INTERVAL_MS: '50',
  };
  gw = await startTestGateway({ ...shopify, ACCOUNT_CLAIM_POLICY: 'approval' });
  open = await startTestGateway({ ...shopify, ACCOUNT_CLAIM_POLICY: 'open' });
});
afterEach(() => {
  expect(sim.invalidQueries).toEqual([]);
});
afterAll(async () => {
  await gw.close();
  await open.close();
  await sim.close();
});

const CONNECT = `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) {
  errorCode
  integration { ... on IntegrationCommon { status } }
  claim { provider status proof token requestedAt }
} }`;
const TEST = `mutation { testIntegration(provider: SHOPIFY) {
  errorCode integration { ... on IntegrationCommon { status } } claim { token }
} }`;
const PRODUCTS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { products(first: 1) { edges { node { id } } } } } } }`;
const APPROVE = `mutation($o: ID!) { approveIntegrationClaim(organizationId: $o, provider: SHOPIFY) {
  errorCode integration { ... on IntegrationCommon { status } }
} }`;
const PENDING = `{ pendingIntegrationClaims { organizationId organizationName proofAvailable requestedAt
  integration { ... on ShopifyIntegration { storeName status } } } }`;

const storeFor = (prefix: string) => `${prefix}-${newOrgId().slice(0, 8)}`;

async function claim(store: string) {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  const { body } = await gw.graphql(CONNECT, { s: store }, admin);
  expect(body.errors).toBeUndefined();
  return { org, admin, payload: body.data.connectIntegration };
}

describe(`approval policy (${ENGINE})`, () => {
  test('a new connection is PENDING, makes no provider call, and its webhooks are not routed to it', async () => {
    const store = storeFor('pending');
    const { org, admin, payload } = await claim(store);
    expect(payload.integration.status).toBe('PENDING');
    expect(payload.claim).toMatchObject({ provider: 'SHOPIFY', status: 'PENDING' });
    expect(payload.claim.token).toMatch(/^sb_claim_[A-Za-z0-9_-]{24}$/);
    expect(payload.claim.proof).toContain(`switchboard.claim_token`);
    expect(payload.claim.proof).toContain(payload.claim.token);

    const before = sim.graphqlCalls(store);
    const refused = await gw.graphql(PRODUCTS, {}, await gw.token(org, 'member'));
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('INTEGRATION_PENDING_APPROVAL');
    expect(refused.body.errors![0]!.message).toMatch(/platform administrator/);
    expect(sim.graphqlCalls(store)).toBe(before);

    // The organization can read its claim again later (the console after a reload).
    const again = await gw.graphql(`{ integrationClaim(provider: SHOPIFY) { token status } }`, {}, admin);
    expect(again.body.data.integrationClaim).toEqual({ token: payload.claim.token, status: 'PENDING' });

    const sender = new ShopifyWebhookSender(gw.url, WEBHOOK_SECRET);
    const sent = await sender.send({
      topic: 'orders/updated',
      shop: store,
      payload: shopifyPayloads.order(1001, { id: 5, email: 'ada@example.com' }),
    });
    expect(sent.status).toBe(200);
    const event = await settledEvent(gw, sent.webhookId);
    expect(event).toMatchObject({ state: 'unrouted', organization_id: null });
  });

  test('a platform admin approves it: CONNECTED, calls go through; an admin cannot (FORBIDDEN); every attempt is audited', async () => {
    const store = storeFor('approve');
    const { org, admin } = await claim(store);

    const platformOrg = newOrgId();
    const platform = await gw.token(platformOrg, 'platform_admin', 'support-ada');
    const listed = await gw.graphql(PENDING, {}, platform);
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.pendingIntegrationClaims).toContainEqual(
      expect.objectContaining({
        organizationId: org,
        proofAvailable: true,
        integration: { storeName: store, status: 'PENDING' },
      }),
    );

    // The claiming organization's own admin may not approve itself, nor list others' claims.
    const self = await gw.graphql(APPROVE, { o: org }, admin);
    expect(self.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gw.graphql(PENDING, {}, admin)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const approved = await gw.graphql(APPROVE, { o: org }, platform);
    expect(approved.body.errors).toBeUndefined();
    expect(approved.body.data.approveIntegrationClaim).toEqual({
      errorCode: null,
      integration: { status: 'CONNECTED' },
    });
    const products = await gw.graphql(PRODUCTS, {}, admin);
    expect(products.body.errors).toBeUndefined();
    expect(products.body.data.organization.integration.products.edges).toHaveLength(1);

    // Approving twice: nothing pending any more.
    const twice = await gw.graphql(APPROVE, { o: org }, platform);
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const rows = await gw
      .db('audit_log')
      .whereIn('action', ['integration.claim.approve', 'integration.connect'])
      .whereIn('organization_id', [org, platformOrg])
      .orderBy('at')
      .select(
        'organization_id',
        'action',
        'actor_id',
        'actor_role',
        'outcome',
        'error_code',
        'provider',
        'account_key',
      );
    expect(rows).toEqual([
      expect.objectContaining({
        organization_id: org,
        action: 'integration.connect',
        outcome: 'ok',
        account_key: store,
      }),
      expect.objectContaining({
        organization_id: org,
        action: 'integration.claim.approve',
        actor_role: 'admin',
        outcome: 'denied',
        error_code: 'FORBIDDEN',
      }),
      // The decision is filed under the organization it concerns, naming the platform admin.
      expect.objectContaining({
        organization_id: org,
        action: 'integration.claim.approve',
        actor_id: 'support-ada',
        actor_role: 'platform_admin',
        outcome: 'ok',
        provider: 'shopify',
        account_key: store,
      }),
      expect.objectContaining({
        organization_id: platformOrg,
        action: 'integration.claim.approve',
        outcome: 'error',
        error_code: 'NOT_FOUND',
      }),
    ]);
  });

  test('a rejected claim is DISCONNECTED with the reason; a store another organization holds is refused at connect', async () => {
    const store = storeFor('reject');
    const { org, admin } = await claim(store);
    const platform = await gw.token(newOrgId(), 'platform_admin');
    const rejected = await gw.graphql(
      `mutation($o: ID!) { rejectIntegrationClaim(organizationId: $o, provider: SHOPIFY, reason: "Not the store owner") {
        integration { ... on IntegrationCommon { status errorMessage } } } }`,
      { o: org },
      platform,
    );
    expect(rejected.body.data.rejectIntegrationClaim.integration).toEqual({
      status: 'DISCONNECTED',
      errorMessage:
        "A platform administrator rejected this organization's claim on the account: Not the store owner",
    });
    expect((await gw.graphql(PRODUCTS, {}, admin)).body.errors?.[0]?.extensions?.code).toBe(
      'INTEGRATION_NOT_CONNECTED',
    );

    // A second organization's claim on a store that is held (approved) elsewhere is refused at once.
    const held = storeFor('held');
    const first = await claim(held);
    await gw.graphql(APPROVE, { o: first.org }, platform);
    const second = await gw.graphql(CONNECT, { s: held }, await gw.token(newOrgId(), 'admin'));
    expect(second.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
  });

  test('two pending claims on one store: the first approved wins, the second cannot be approved', async () => {
    const store = storeFor('contested');
    const a = await claim(store);
    const b = await claim(store);
    const platform = await gw.token(newOrgId(), 'platform_admin');
    expect(
      (await gw.graphql(APPROVE, { o: b.org }, platform)).body.data.approveIntegrationClaim.integration,
    ).toEqual({
      status: 'CONNECTED',
    });
    const loser = await gw.graphql(APPROVE, { o: a.org }, platform);
    expect(loser.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
  });

  test('Shopify proof of control: the claim token in the shop metafield approves the claim without an administrator', async () => {
    const store = storeFor('proof');
    const { org, admin, payload } = await claim(store);

    // Not set yet: still pending, and the test says why.
    const early = await gw.graphql(TEST, {}, admin);
    expect(early.body.data.testIntegration).toEqual({
      errorCode: 'INTEGRATION_PENDING_APPROVAL',
      integration: { status: 'PENDING' },
      claim: { token: payload.claim.token },
    });
    // Another value (someone else's token) proves nothing.
    sim.fixtures(store).shopMetafields['switchboard.claim_token'] = 'sb_claim_someone_else';
    const wrong = await gw.graphql(
      `mutation { verifyIntegrationClaim(provider: SHOPIFY) { errorCode integration { ... on IntegrationCommon { status } } } }`,
      {},
      admin,
    );
    expect(wrong.body.data.verifyIntegrationClaim).toEqual({
      errorCode: 'INTEGRATION_PENDING_APPROVAL',
      integration: { status: 'PENDING' },
    });

    sim.fixtures(store).shopMetafields['switchboard.claim_token'] = payload.claim.token;
    const proven = await gw.graphql(TEST, {}, admin);
    expect(proven.body.data.testIntegration).toEqual({
      errorCode: null,
      integration: { status: 'CONNECTED' },
      claim: null,
    });
    // The proof was read with the documented query, then the connection tested.
    const operations = sim.requests
      .filter((r) => r.store === store)
      .map((r) => /\b(?:query|mutation)\s+(\w+)/.exec(r.query ?? '')?.[1]);
    expect(operations).toEqual(['ClaimToken', 'ClaimToken', 'ClaimToken', 'Shop', 'AppScopes']);

    const audit = await gw
      .db('audit_log')
      .where({ organization_id: org })
      .whereIn('action', ['integration.test', 'integration.claim.verify'])
      .orderBy('at')
      .select('action', 'outcome', 'error_code');
    expect(audit).toEqual([
      { action: 'integration.test', outcome: 'denied', error_code: 'INTEGRATION_PENDING_APPROVAL' },
      { action: 'integration.claim.verify', outcome: 'denied', error_code: 'INTEGRATION_PENDING_APPROVAL' },
      { action: 'integration.test', outcome: 'ok', error_code: null },
    ]);
  });

  test('reconnecting the store an organization already holds keeps it CONNECTED', async () => {
    const store = storeFor('keep');
    const { org, admin } = await claim(store);
    await gw.graphql(APPROVE, { o: org }, await gw.token(newOrgId(), 'platform_admin'));
    const again = await gw.graphql(CONNECT, { s: store }, admin);
    expect(again.body.data.connectIntegration).toMatchObject({
      integration: { status: 'CONNECTED' },
      claim: null,
    });
  });
});

describe(`open policy (${ENGINE})`, () => {
  test('connecting is enough, as before: CONNECTED, no claim', async () => {
    const store = storeFor('open');
    const admin = await open.token(newOrgId(), 'admin');
    const { body } = await open.graphql(CONNECT, { s: store }, admin);
    expect(body.data.connectIntegration).toEqual({
      errorCode: null,
      integration: { status: 'CONNECTED' },
      claim: null,
    });
    expect((await open.graphql(PRODUCTS, {}, admin)).body.errors).toBeUndefined();
  });
});
