import { randomUUID } from 'node:crypto';
import { createDatabase, engineName, type Db } from '../src/db/database';
import { IntegrationsRepo } from '../src/db/integrations.repo';
import { migrateToLatest, rowLevelSecurityRole } from '../src/db/migrate';
import { RowsCache } from '../src/db/rows-cache';
import { asPlatform, forOrganization } from '../src/db/tenant-scope';
import { APP_ROLE, TENANT_TABLES } from '../migrations/20261223_017_row_level_security';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  createTestDatabaseUrl,
  newOrgId,
  startTestGateway,
  testPostgresUrl,
  type TestGateway,
} from './support/harness';

/** Row-level security (README, "Isolation in depth"), on whichever engine the run uses. */
let db: Db;
const orgA = randomUUID();
const orgB = randomUUID();

/** One row per tenant table for an organization (the platform scope writes the fixtures). */
async function seed(org: string): Promise<void> {
  await db('organizations').insert({ id: org, name: `org ${org.slice(0, 8)}` });
  await db('integrations').insert({ organization_id: org, provider: 'shopify', status: 'disconnected' });
  await db('audit_log').insert({ organization_id: org, action: 'test.seed', outcome: 'ok' });
  await db('webhook_events').insert({
    organization_id: org,
    provider: 'shopify',
    provider_event_id: `evt-${org}`,
    payload: JSON.stringify({}),
  });
  const [conversation] = await db('conversations')
    .insert({ organization_id: org, channel: 'messenger', account_key: `page-${org}`, contact_id: 'c1' })
    .returning('id');
  await db('messages').insert({
    organization_id: org,
    conversation_id: conversation.id,
    channel: 'messenger',
    direction: 'inbound',
    status: 'received',
    kind: 'text',
    text: 'hello',
  });
  await db('ai_settings').insert({ organization_id: org });
  await db('ai_usage').insert({
    organization_id: org,
    request_id: 'r1',
    model: 'gpt',
    input_tokens: 1,
    output_tokens: 1,
  });
  await db('billing_accounts').insert({ organization_id: org });
  await db('usage_reports').insert({
    organization_id: org,
    meter: 'messages',
    event_name: 'messages',
    identifier: `id-${org}`,
    quantity: 1,
    row_count: 1,
  });
}

const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      TENANT_TABLES.map(async (table) => {
        const rows = (await db(table).select('organization_id')) as Array<{ organization_id: string }>;
        return [table, rows.map((r) => r.organization_id)] as const;
      }),
    ),
  );

beforeAll(async () => {
  db = createDatabase({
    databaseUrl: await createTestDatabaseUrl(),
    pgliteDataDir: ':memory:',
    unscoped: { kind: 'none' },
  });
  await migrateToLatest(db);
  await asPlatform('test fixtures', async () => {
    await seed(orgA);
    await seed(orgB);
  });
});
afterAll(() => db.destroy());

test(`the gateway's statements run as a role that is neither owner nor BYPASSRLS (${testPostgresUrl() ? 'PostgreSQL' : 'PGlite'})`, async () => {
  expect(['pglite', 'postgresql']).toContain(engineName(db));
  expect(rowLevelSecurityRole(db)).toBe(APP_ROLE);
  const { rows } = await db.raw(
    `SELECT current_user AS name, r.rolsuper, r.rolbypassrls, r.rolcanlogin
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  expect(rows[0]).toEqual({ name: APP_ROLE, rolsuper: false, rolbypassrls: false, rolcanlogin: false });
  const tables = await db.raw(
    `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity
       FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(?)`,
    [[...TENANT_TABLES]],
  );
  expect(tables.rows).toHaveLength(TENANT_TABLES.length);
  for (const table of tables.rows) {
    expect(table).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    expect(table.owner).not.toBe(APP_ROLE);
  }
  // Not the owner: it cannot turn the policies off, nor rewrite the audit trail.
  await expect(db.raw('ALTER TABLE integrations DISABLE ROW LEVEL SECURITY')).rejects.toThrow(
    /must be owner/,
  );
  await expect(asPlatform('test', () => db('audit_log').update({ action: 'rewritten' }))).rejects.toThrow(
    /permission denied/,
  );
});

test('a statement without an organization sees no row of any tenant table', async () => {
  const seen = await counts();
  for (const table of TENANT_TABLES) expect({ table, rows: seen[table] }).toEqual({ table, rows: [] });
  // And writes none.
  await expect(
    db('audit_log').insert({ organization_id: orgA, action: 'test.none', outcome: 'ok' }),
  ).rejects.toThrow(/row-level security/);
});

test("in organization A's scope every tenant table shows A's rows only", async () => {
  const seen = await forOrganization(orgA, counts);
  for (const table of TENANT_TABLES) expect({ table, rows: seen[table] }).toEqual({ table, rows: [orgA] });
  // Even a statement that asks for B by name.
  const named = await forOrganization(orgA, () => db('messages').where({ organization_id: orgB }));
  expect(named).toEqual([]);
});

test("a row for organization B is refused in A's scope, whatever the table", async () => {
  // A's own row goes in (the scope is there)...
  await forOrganization(orgA, () =>
    db('audit_log').insert({ organization_id: orgA, action: 'test.own', outcome: 'ok' }),
  );
  // ...B's does not.
  for (const insert of [
    () => db('audit_log').insert({ organization_id: orgB, action: 'test.cross', outcome: 'ok' }),
    () => db('integrations').insert({ organization_id: orgB, provider: 'klaviyo' }),
    () => db('ai_settings').insert({ organization_id: orgB }).onConflict('organization_id').merge(),
  ]) {
    await expect(forOrganization(orgA, insert)).rejects.toThrow(/row-level security/);
  }
  // Moving A's row to B is refused too (WITH CHECK on the new row).
  await expect(
    forOrganization(orgA, () =>
      db('integrations').where({ organization_id: orgA }).update({ organization_id: orgB }),
    ),
  ).rejects.toThrow(/row-level security/);
  const bRows = await asPlatform('test', () =>
    db('audit_log').where({ organization_id: orgB }).count('* as n'),
  );
  expect(Number(bRows[0]?.n)).toBe(1);
});

test('the per-transaction setting (set_config(..., true)) scopes that transaction only', async () => {
  const inside = await db.transaction(async (trx) => {
    await trx.raw(`SELECT set_config('app.org_id', ?, true)`, [orgB]);
    return trx('conversations').pluck('organization_id');
  });
  expect(inside).toEqual([orgB]);
  expect(await db('conversations').pluck('organization_id')).toEqual([]);
  // An empty setting is no organization.
  const empty = await db.transaction(async (trx) => {
    await trx.raw(`SELECT set_config('app.org_id', '', true)`);
    return trx('conversations').pluck('organization_id');
  });
  expect(empty).toEqual([]);
});

test("a load refused by the policies is not cached as the organization's rows", async () => {
  const repo = new IntegrationsRepo(db, new RowsCache({ ttlMs: 60_000, maxEntries: 10, trusted: true }));
  expect(await forOrganization(orgB, () => repo.listForOrganization(orgA))).toEqual([]);
  const own = await forOrganization(orgA, () => repo.listForOrganization(orgA));
  expect(own.map((r) => r.organization_id)).toEqual([orgA]);
});

describe('the gateway with no fallback scope (every statement scoped by its own work)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE, { unscoped: { kind: 'none' } });
  });
  afterAll(() => gw.close());

  test('each organization connects, lists and audits its own integrations; the support view sees all', async () => {
    const [a, b] = [newOrgId(), newOrgId()];
    const adminA = await gw.token(a, 'admin');
    const adminB = await gw.token(b, 'admin');
    const connect = (store: string, token: string) =>
      gw.graphql(
        `mutation { connectIntegration(input: { shopify: { storeName: "${store}" } }) { integration { ... on ShopifyIntegration { storeName status } } } }`,
        {},
        token,
      );
    expect((await connect('rls-a', adminA)).body.errors).toBeUndefined();
    expect((await connect('rls-b', adminB)).body.errors).toBeUndefined();
    // The store held by A is refused to B: the claim index sees every row, whatever the scope.
    expect((await connect('rls-a', adminB)).body.errors?.[0]?.extensions?.code).toBe(
      'ACCOUNT_ALREADY_CONNECTED',
    );
    const list = await gw.graphql(
      `{ organization { integrations { ... on ShopifyIntegration { storeName status } } } }`,
      {},
      adminA,
    );
    expect(list.body.errors).toBeUndefined();
    expect(
      list.body.data.organization.integrations.filter((i: { storeName?: string }) => i.storeName),
    ).toEqual([{ storeName: 'rls-a', status: 'CONNECTED' }]);
    const audit = await gw.auditLog(adminB, 5, 'action outcome errorCode');
    expect(audit[0]).toEqual({
      action: 'integration.connect',
      outcome: 'DENIED',
      errorCode: 'ACCOUNT_ALREADY_CONNECTED',
    });
    expect(audit).toHaveLength(2);

    const support = await gw.token(newOrgId(), 'platform_admin');
    const opened = await gw.graphql(
      `query($id: ID!) { organization(id: $id) { integrations { ... on ShopifyIntegration { storeName } } } }`,
      { id: b },
      support,
    );
    expect(opened.body.errors).toBeUndefined();
    expect(opened.body.data.organization.integrations).toContainEqual({ storeName: 'rls-b' });
  });
});
