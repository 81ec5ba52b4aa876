import { SignJWT } from 'jose';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  TEST_JWT_SECRET,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE);
});
afterAll(() => gw.close());

const CONNECT = `mutation Connect($store: String!) {
  connectIntegration(input: { shopify: { storeName: $store } }) {
    integration { ... on ShopifyIntegration { storeName status } }
  }
}`;
const DISCONNECT = `mutation { disconnectIntegration(provider: SHOPIFY) { integration { ... on ShopifyIntegration { status storeName } } } }`;
const MINE = `{ organization { id integration(provider: SHOPIFY) { ... on ShopifyIntegration { storeName status } } } }`;

const sign = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET, exp: string | number = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(exp)
    .setIssuedAt()
    .sign(new TextEncoder().encode(secret));

describe('authentication', () => {
  test('no token: UNAUTHENTICATED', async () => {
    const { body } = await gw.graphql('{ viewer { userId } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('forged (wrong secret), expired, malformed and claim-less tokens are refused', async () => {
    const org = newOrgId();
    const forged = await sign(
      { sub: 'x', org_id: org, role: 'platform_admin' },
      'another-secret-another-secret-another-secret',
    );
    const expired = await sign(
      { sub: 'x', org_id: org, role: 'admin' },
      TEST_JWT_SECRET,
      Math.floor(Date.now() / 1000) - 60,
    );
    const noOrg = await sign({ sub: 'x', role: 'admin' });
    const badRole = await sign({ sub: 'x', org_id: org, role: 'owner' });
    for (const token of [forged, expired, noOrg, badRole, 'not-a-jwt']) {
      const { body } = await gw.graphql('{ viewer { userId } }', {}, token);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeNull();
    }
    const { body } = await gw.graphql('{ viewer { userId } }', {}, expired);
    expect(body.errors?.[0]?.message).toMatch(/expired/);
  });

  test('an "alg: none" token is refused', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', org_id: newOrgId(), role: 'admin' })).toString(
      'base64url',
    );
    const { body } = await gw.graphql('{ viewer { userId } }', {}, `${header}.${payload}.`);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('roles and tenancy', () => {
  test('a member reads but cannot connect, disconnect or test', async () => {
    const org = newOrgId();
    const member = await gw.token(org, 'member');
    const read = await gw.graphql(MINE, {}, member);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.organization.integration.status).toBe('DISCONNECTED');

    const connect = await gw.graphql(CONNECT, { store: 'member-store' }, member);
    expect(connect.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const disconnect = await gw.graphql(DISCONNECT, {}, member);
    expect(disconnect.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const test = await gw.graphql(
      'mutation { testIntegration(provider: SHOPIFY) { integration { __typename } } }',
      {},
      member,
    );
    expect(test.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('one store, one organization: the second claim is refused until the first lets go', async () => {
    const orgA = newOrgId();
    const orgB = newOrgId();
    const adminA = await gw.token(orgA, 'admin');
    const adminB = await gw.token(orgB, 'admin');

    const a = await gw.graphql(CONNECT, { store: 'shared-store' }, adminA);
    expect(a.body.data.connectIntegration.integration).toEqual({
      storeName: 'shared-store',
      status: 'CONNECTED',
    });

    // Case and a pasted domain do not get around the claim.
    const b = await gw.graphql(CONNECT, { store: 'Shared-Store.myshopify.com' }, adminB);
    expect(b.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_ALREADY_CONNECTED');
    expect(b.body.data).toBeNull();

    // B sees nothing of A's store.
    const bView = await gw.graphql(MINE, {}, adminB);
    expect(bView.body.data.organization.integration).toEqual({ storeName: null, status: 'DISCONNECTED' });

    const released = await gw.graphql(DISCONNECT, {}, adminA);
    expect(released.body.data.disconnectIntegration.integration.status).toBe('DISCONNECTED');
    const b2 = await gw.graphql(CONNECT, { store: 'shared-store' }, adminB);
    expect(b2.body.data.connectIntegration.integration.status).toBe('CONNECTED');
  });

  test('concurrent claims of one store: exactly one organization wins', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, () => gw.token(newOrgId(), 'admin')));
    const results = await Promise.all(tokens.map((t) => gw.graphql(CONNECT, { store: 'race-store' }, t)));
    const winners = results.filter((r) => r.body.data?.connectIntegration);
    expect(winners).toHaveLength(1);
    expect(
      results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'ACCOUNT_ALREADY_CONNECTED'),
    ).toHaveLength(5);
  });

  test('organization(id:) for another organization: FORBIDDEN for admins, allowed and audited for platform_admin', async () => {
    const orgA = newOrgId();
    const adminA = await gw.token(orgA, 'admin');
    await gw.graphql(CONNECT, { store: 'support-store' }, adminA);
    const outsider = await gw.token(newOrgId(), 'admin');
    const denied = await gw.graphql(
      `query($id: ID) { organization(id: $id) { id } }`,
      { id: orgA },
      outsider,
    );
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const support = await gw.token(newOrgId(), 'platform_admin', 'support-1');
    const seen = await gw.graphql(
      `query($id: ID) { organization(id: $id) { id integration(provider: SHOPIFY) { ... on ShopifyIntegration { storeName } } } }`,
      { id: orgA },
      support,
    );
    expect(seen.body.data.organization).toEqual({ id: orgA, integration: { storeName: 'support-store' } });
    const log = await gw.graphql(
      `{ organization { auditLog(first: 5) { edges { node { action actorId outcome } } } } }`,
      {},
      adminA,
    );
    expect(log.body.data.organization.auditLog.edges.map((e: any) => e.node)).toContainEqual({
      action: 'organization.support_access',
      actorId: 'support-1',
      outcome: 'OK',
    });
  });

  test('asking for your own organization by id works for any role', async () => {
    const org = newOrgId();
    const member = await gw.token(org, 'member');
    const { body } = await gw.graphql(`query($id: ID) { organization(id: $id) { id } }`, { id: org }, member);
    expect(body.data.organization.id).toBe(org);
  });
});

describe('bad input', () => {
  test.each([
    ['../evil', 'path traversal'],
    ['evil.com/x', 'another host'],
    ['store?x=1', 'a query string'],
    ['-leading', 'a leading hyphen'],
    ['', 'nothing'],
    ['a'.repeat(70), 'too long'],
  ])('store name %p (%s) is BAD_USER_INPUT', async (store) => {
    const token = await gw.token(newOrgId(), 'admin');
    const { body } = await gw.graphql(CONNECT, { store }, token);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/);
  });

  test('@oneOf: two providers at once is refused by GraphQL validation', async () => {
    const token = await gw.token(newOrgId(), 'admin');
    const { body } = await gw.graphql(
      `mutation { connectIntegration(input: { shopify: { storeName: "a" }, kustomer: { subdomain: "b" } }) { integration { __typename } } }`,
      {},
      token,
    );
    expect(body.errors?.[0]?.message).toMatch(/exactly one key/i);
  });

  test('other providers validate their identifiers too', async () => {
    const token = await gw.token(newOrgId(), 'admin');
    const cases = [
      `{ klaviyo: { companyId: "AB/12" } }`,
      `{ kustomer: { subdomain: "x.evil.com" } }`,
      `{ messenger: { pageId: "abc" } }`,
      `{ whatsapp: { businessNumber: "12345" } }`,
    ];
    for (const input of cases) {
      const { body } = await gw.graphql(
        `mutation { connectIntegration(input: ${input}) { integration { __typename } } }`,
        {},
        token,
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const ok = await gw.graphql(
      `mutation { connectIntegration(input: { whatsapp: { businessNumber: "whatsapp:+1 415 523 8886" } }) { integration { ... on WhatsAppIntegration { businessNumber } } } }`,
      {},
      token,
    );
    expect(ok.body.data.connectIntegration.integration.businessNumber).toBe('+14155238886');
  });

  test('a syntax error is a GraphQL error with a code and no stack', async () => {
    const token = await gw.token(newOrgId(), 'admin');
    const { status, body } = await gw.graphql('{ viewer { ', {}, token);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });
});

describe('query complexity', () => {
  test('too deep, too many aliases, and fragment bombs are refused with QUERY_TOO_COMPLEX before running', async () => {
    const token = await gw.token(newOrgId(), 'member');
    const deep = `{ viewer { organization { ${'integrations { ... on ShopifyIntegration { products { edges { node { variants { product { '.repeat(3)} id ${'} } } } } } }'.repeat(3)} } } }`;
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { userId }`).join(' ')} }`;
    const bomb = `query { viewer { ...F5 } }
      fragment F0 on Viewer { userId role }
      ${[1, 2, 3, 4, 5].map((i) => `fragment F${i} on Viewer { ${Array.from({ length: 6 }, () => `...F${i - 1}`).join(' ')} organization { id } }`).join('\n')}`;
    for (const query of [deep, aliases, bomb]) {
      const { status, body } = await gw.graphql(query, {}, token);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    }
  });
});
