import { redact } from '../src/graphql/directives/redact';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
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
});
