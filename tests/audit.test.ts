import { redact } from '../src/graphql/directives/redact';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE);
});
afterAll(() => gw.close());

const LOG = `query Log($first: Int, $after: String) {
  organization { auditLog(first: $first, after: $after) {
    edges { cursor node { id at action outcome errorCode provider accountKey actorId actorRole requestId } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  } }
}`;

test('allowed, denied and failed actions all land in the acting organization’s log, newest first', async () => {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin', 'ada');
  const member = await gw.token(org, 'member', 'max');

  await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "audited" } }) { integration { __typename } } }`,
    {},
    admin,
    {
      'x-request-id': 'req-connect-1',
    },
  );
  await gw.graphql(
    `mutation { disconnectIntegration(provider: SHOPIFY) { integration { __typename } } }`,
    {},
    member,
  );
  await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "bad/store" } }) { integration { __typename } } }`,
    {},
    admin,
  );

  const { body } = await gw.graphql(LOG, { first: 10 }, member);
  const nodes = body.data.organization.auditLog.edges.map((e: any) => e.node);
  expect(nodes.map((n: any) => [n.action, n.outcome, n.errorCode, n.actorId])).toEqual([
    ['integration.connect', 'ERROR', 'BAD_USER_INPUT', 'ada'],
    ['integration.disconnect', 'DENIED', 'FORBIDDEN', 'max'],
    ['integration.connect', 'OK', null, 'ada'],
  ]);
  expect(nodes[2]).toMatchObject({
    provider: 'SHOPIFY',
    accountKey: 'audited',
    actorRole: 'admin',
    requestId: 'req-connect-1',
  });
  expect(nodes[1]).toMatchObject({ provider: 'SHOPIFY', actorRole: 'member' });
  expect(new Date(nodes[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
});

test('a claim refused because another organization holds the account is audited as DENIED for the claimant only', async () => {
  const owner = await gw.token(newOrgId(), 'admin');
  const claimantOrg = newOrgId();
  const claimant = await gw.token(claimantOrg, 'admin');
  await gw.graphql(
    `mutation { connectIntegration(input: { kustomer: { subdomain: "acme" } }) { integration { __typename } } }`,
    {},
    owner,
  );
  await gw.graphql(
    `mutation { connectIntegration(input: { kustomer: { subdomain: "acme" } }) { integration { __typename } } }`,
    {},
    claimant,
  );
  const { body } = await gw.graphql(LOG, { first: 5 }, claimant);
  expect(body.data.organization.auditLog.edges.map((e: any) => e.node)).toEqual([
    expect.objectContaining({
      action: 'integration.connect',
      outcome: 'DENIED',
      errorCode: 'ACCOUNT_ALREADY_CONNECTED',
      provider: 'KUSTOMER',
      accountKey: 'acme',
    }),
  ]);
});

test('one organization never sees another’s entries, and paging walks the whole log', async () => {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  for (let i = 0; i < 5; i++) {
    await gw.graphql(
      `mutation { disconnectIntegration(provider: STRIPE) { integration { __typename } } }`,
      {},
      admin,
    );
  }
  const other = await gw.token(newOrgId(), 'admin');
  const theirs = await gw.graphql(LOG, { first: 50 }, other);
  expect(theirs.body.data.organization.auditLog.edges).toEqual([]);

  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 5; page++) {
    const { body }: any = await gw.graphql(LOG, { first: 2, after }, admin);
    const conn = body.data.organization.auditLog;
    seen.push(...conn.edges.map((e: any) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(5);
  expect(new Set(seen).size).toBe(5);
});

test('bad paging input is BAD_USER_INPUT', async () => {
  const token = await gw.token(newOrgId(), 'member');
  for (const variables of [{ first: 0 }, { first: 1000 }, { first: 5, after: 'garbage' }]) {
    const { body } = await gw.graphql(LOG, variables, token);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
});

test('the audit log is append-only in the database', async () => {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  await gw.graphql(
    `mutation { disconnectIntegration(provider: OPENAI) { integration { __typename } } }`,
    {},
    admin,
  );
  await expect(gw.db('audit_log').where({ organization_id: org }).update({ action: 'x' })).rejects.toThrow(
    /append-only/,
  );
  await expect(gw.db('audit_log').where({ organization_id: org }).delete()).rejects.toThrow(/append-only/);
  expect(await gw.db('audit_log').where({ organization_id: org }).select('action')).toEqual([
    { action: 'integration.disconnect' },
  ]);
});

test('secret-looking arguments are redacted before they are stored', async () => {
  expect(
    redact({ input: { storeName: 's', accessToken: 'shpat_x', nested: [{ apiKey: 'k', ok: 1 }] } }),
  ).toEqual({
    input: { storeName: 's', accessToken: '[REDACTED]', nested: [{ apiKey: '[REDACTED]', ok: 1 }] },
  });
  // Counts named after tokens are not credentials.
  expect(redact({ token: 't', refresh_token: 'r', maxOutputTokens: 500, dailyTokenBudget: 9 })).toEqual({
    token: '[REDACTED]',
    refresh_token: '[REDACTED]',
    maxOutputTokens: 500,
    dailyTokenBudget: 9,
  });
});

test('each audited field of one operation gets its own outcome and target', async () => {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin', 'multi');
  await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "multi-field" } }) { integration { __typename } } }`,
    {},
    admin,
  );
  // Shopify points at a closed port: the test fails, the disconnect after it succeeds; the last
  // field fails validation (and, its payload being non-null, nulls the whole answer).
  const { body } = await gw.graphql(
    `mutation {
      t: testIntegration(provider: SHOPIFY) { errorCode }
      d: disconnectIntegration(provider: SHOPIFY) { errorCode }
      k: connectIntegration(input: { kustomer: { subdomain: "multi-field-k" } }) { errorCode }
      bad: connectIntegration(input: { kustomer: { subdomain: "not a subdomain" } }) { errorCode }
    }`,
    {},
    admin,
  );
  expect(body.errors?.map((e: any) => [e.path[0], e.extensions.code])).toEqual([['bad', 'BAD_USER_INPUT']]);

  const rows = await gw.auditLog(admin, 4, 'action outcome errorCode provider accountKey');
  expect(rows.reverse()).toEqual([
    {
      action: 'integration.test',
      outcome: 'ERROR',
      errorCode: 'UPSTREAM_UNAVAILABLE',
      provider: 'SHOPIFY',
      accountKey: 'multi-field',
    },
    {
      action: 'integration.disconnect',
      outcome: 'OK',
      errorCode: null,
      provider: 'SHOPIFY',
      accountKey: 'multi-field',
    },
    {
      action: 'integration.connect',
      outcome: 'OK',
      errorCode: null,
      provider: 'KUSTOMER',
      accountKey: 'multi-field-k',
    },
    {
      action: 'integration.connect',
      outcome: 'ERROR',
      errorCode: 'BAD_USER_INPUT',
      provider: 'KUSTOMER',
      accountKey: null,
    },
  ]);
  const mine = await gw.graphql(
    `{ organization { s: integration(provider: SHOPIFY) { ... on IntegrationCommon { status } } k: integration(provider: KUSTOMER) { ... on IntegrationCommon { status } } } }`,
    {},
    admin,
  );
  expect(mine.body.data.organization).toEqual({ s: { status: 'DISCONNECTED' }, k: { status: 'CONNECTED' } });
});

describe('input that PostgreSQL cannot store as given', () => {
  const CONNECT = `mutation($store: String!) { connectIntegration(input: { shopify: { storeName: $store } }) { integration { __typename } } }`;

  test("a member's attempt with a NUL byte is FORBIDDEN and audited as DENIED", async () => {
    const org = newOrgId();
    const member = await gw.token(org, 'member');
    const { body } = await gw.graphql(CONNECT, { store: 'nul\u0000store' }, member);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [row] = await gw.auditLog(member, 1, 'action outcome errorCode');
    expect(row).toEqual({ action: 'integration.connect', outcome: 'DENIED', errorCode: 'FORBIDDEN' });
  });

  test("an admin's NUL byte and a lone surrogate are refused, and stored in the audit row encoded", async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    const store = 'nul\u0000store\ud800';
    const { body } = await gw.graphql(CONNECT, { store }, admin);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const [row] = await gw.auditLog(admin, 1, 'action outcome errorCode');
    expect(row).toEqual({ action: 'integration.connect', outcome: 'ERROR', errorCode: 'BAD_USER_INPUT' });
    const [stored] = await gw.db('audit_log').where({ organization_id: org }).select('arguments');
    const encoded = (stored.arguments as any).input.shopify.storeName;
    expect(encoded.$encoding).toBe('utf16le-base64');
    expect(Buffer.from(encoded.value, 'base64').toString('utf16le')).toBe(store);
  });
});

test('support access to another organization is audited when refused and when allowed', async () => {
  const target = newOrgId();
  await gw.graphql('{ viewer { userId } }', {}, await gw.token(target, 'member'));
  const admin = await gw.token(newOrgId(), 'admin', 'curious-admin');
  const refused = await gw.graphql(`query($id: ID) { organization(id: $id) { id } }`, { id: target }, admin);
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(await gw.auditLog(admin, 1, 'action outcome errorCode actorId')).toEqual([
    {
      action: 'organization.support_access',
      outcome: 'DENIED',
      errorCode: 'FORBIDDEN',
      actorId: 'curious-admin',
    },
  ]);

  const support = await gw.token(newOrgId(), 'platform_admin', 'support-1');
  const opened = await gw.graphql(`query($id: ID) { organization(id: $id) { id } }`, { id: target }, support);
  expect(opened.body.data.organization.id).toBe(target);
  const targetAdmin = await gw.token(target, 'admin');
  expect(await gw.auditLog(targetAdmin, 1, 'action outcome actorId actorRole')).toEqual([
    {
      action: 'organization.support_access',
      outcome: 'OK',
      actorId: 'support-1',
      actorRole: 'platform_admin',
    },
  ]);
});
