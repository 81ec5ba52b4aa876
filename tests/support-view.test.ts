import { issueToken } from '../src/auth/token-issuer';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  TEST_JWT_SECRET,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';

/**
 * The console's support view for platform administrators (schema/support.graphql) and the audit
 * log's filters. Providers point at a closed port, so a connection test fails the way an outage does.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE);
});
afterAll(() => gw.close());

/** An organization is named by the first token that names it. */
const namedToken = (orgId: string, orgName: string) =>
  issueToken(TEST_JWT_SECRET, { sub: 'someone', orgId, role: 'member', orgName });

const ATTENTION = `{ supportAttention {
  organizationId organizationName recentFailures lastFailureAt failedWebhookEvents
  integration { ... on IntegrationCommon { provider status errorMessage } }
} }`;

async function connectAndTest(orgId: string, orgName: string, storeName: string, test: boolean) {
  const admin = await gw.token(orgId, 'admin');
  // The organization's name comes from its first token.
  await gw.graphql('{ viewer { userId } }', {}, await namedToken(orgId, orgName));
  const connected = await gw.graphql(
    `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { integration { __typename } } }`,
    { s: storeName },
    admin,
  );
  expect(connected.body.errors).toBeUndefined();
  if (test) {
    const tested = await gw.graphql(
      `mutation { testIntegration(provider: SHOPIFY) { errorCode integration { ... on IntegrationCommon { status } } } }`,
      {},
      admin,
    );
    expect(tested.body.data.testIntegration).toMatchObject({
      errorCode: 'UPSTREAM_UNAVAILABLE',
      integration: { status: 'ERROR' },
    });
  }
  return admin;
}

test('a platform administrator sees every organization’s failing integrations, and only those', async () => {
  const failing = newOrgId();
  const healthy = newOrgId();
  await connectAndTest(failing, 'Failing Florist', `florist-${failing.slice(0, 8)}`, true);
  await connectAndTest(healthy, 'Healthy Hats', `hats-${healthy.slice(0, 8)}`, false);

  const platform = await gw.token(newOrgId(), 'platform_admin');
  const { body } = await gw.graphql(ATTENTION, {}, platform);
  expect(body.errors).toBeUndefined();
  const items = body.data.supportAttention as any[];
  const item = items.find((i) => i.organizationId === failing);
  expect(item).toMatchObject({
    organizationName: 'Failing Florist',
    recentFailures: 1,
    failedWebhookEvents: 0,
    integration: { provider: 'SHOPIFY', status: 'ERROR' },
  });
  expect(item.integration.errorMessage).toEqual(expect.any(String));
  expect(new Date(item.lastFailureAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(items.some((i) => i.organizationId === healthy)).toBe(false);
});

test('the support queries are refused to an organization’s own administrator', async () => {
  const admin = await gw.token(newOrgId(), 'admin');
  for (const query of [ATTENTION, '{ organizations { id } }']) {
    const { body } = await gw.graphql(query, {}, admin);
    expect(body.data).toBeNull();
    expect(body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  }
});

test('organizations are found by name or id; the search text is never a pattern', async () => {
  const org = newOrgId();
  await gw.graphql('{ viewer { userId } }', {}, await namedToken(org, 'Zebra 100% Cotton_Shop'));
  const other = newOrgId();
  await gw.graphql('{ viewer { userId } }', {}, await namedToken(other, 'Zebra 1000 Cottons'));
  const platform = await gw.token(newOrgId(), 'platform_admin');
  const search = async (text: string) => {
    const { body } = await gw.graphql(
      'query($s: String) { organizations(search: $s) { id name } }',
      { s: text },
      platform,
    );
    return body;
  };

  expect((await search('zebra 100%')).data.organizations).toEqual([
    { id: org, name: 'Zebra 100% Cotton_Shop' },
  ]);
  expect((await search('n_')).data.organizations.map((o: any) => o.id)).toEqual([org]);
  expect((await search(other)).data.organizations.map((o: any) => o.id)).toEqual([other]);
  const bad = await search('zebra\u0000');
  expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  const huge = await search('z'.repeat(5000));
  expect(huge.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
});

test('the audit log filters by provider and by outcome', async () => {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  const member = await gw.token(org, 'member');
  await gw.graphql(
    `mutation { connectIntegration(input: { kustomer: { subdomain: "filters-${org.slice(0, 8)}" } }) { integration { __typename } } }`,
    {},
    admin,
  );
  await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "bad/store" } }) { integration { __typename } } }`,
    {},
    admin,
  );
  await gw.graphql(
    `mutation { disconnectIntegration(provider: SHOPIFY) { integration { __typename } } }`,
    {},
    member,
  );

  const log = async (args: string) => {
    const { body } = await gw.graphql(
      `{ organization { auditLog(first: 20${args}) { edges { node { action outcome provider } } } } }`,
      {},
      member,
    );
    expect(body.errors).toBeUndefined();
    return body.data.organization.auditLog.edges.map((e: any) => e.node);
  };
  expect(await log(', provider: KUSTOMER')).toEqual([
    { action: 'integration.connect', outcome: 'OK', provider: 'KUSTOMER' },
  ]);
  expect(await log(', outcome: DENIED')).toEqual([
    { action: 'integration.disconnect', outcome: 'DENIED', provider: 'SHOPIFY' },
  ]);
  expect(await log(', provider: SHOPIFY, outcome: ERROR')).toEqual([
    { action: 'integration.connect', outcome: 'ERROR', provider: 'SHOPIFY' },
  ]);
  expect(await log('')).toHaveLength(3);
});
