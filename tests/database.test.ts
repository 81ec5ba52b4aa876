import { createTestDatabase } from './support/harness';
import { migrateToLatest, rollbackAll } from '../src/db/migrate';
import { engineName, type Db } from '../src/db/database';
import { IntegrationsRepo, AccountClaimedError } from '../src/db/integrations.repo';
import { OrganizationsRepo } from '../src/db/organizations.repo';
import { RowsCache } from '../src/db/rows-cache';
import { randomUUID } from 'node:crypto';

let db: Db;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

test(`migrations apply, roll back completely and apply again (${(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) ? 'PostgreSQL' : 'PGlite'})`, async () => {
  expect(['pglite', 'postgresql']).toContain(engineName(db));
  const applied = await migrateToLatest(db);
  expect(applied.length).toBeGreaterThanOrEqual(4);
  expect(await migrateToLatest(db)).toEqual([]);
  await rollbackAll(db);
  for (const table of ['organizations', 'integrations', 'audit_log', 'webhook_events']) {
    expect(await db.schema.hasTable(table)).toBe(false);
  }
  await migrateToLatest(db);
  for (const table of ['organizations', 'integrations', 'audit_log', 'webhook_events']) {
    expect(await db.schema.hasTable(table)).toBe(true);
  }
});

test('the integrations table has the seed’s columns and defaults', async () => {
  const columns = await db('information_schema.columns')
    .where({ table_name: 'integrations' })
    .andWhereRaw('table_schema = current_schema()')
    .select('column_name', 'data_type', 'column_default');
  const byName = Object.fromEntries(columns.map((c: any) => [c.column_name, c]));
  for (const name of [
    'id',
    'organization_id',
    'provider',
    'status',
    'account_identifier',
    'connected_at',
    'last_synced_at',
    'sync_status',
    'error_message',
    'created_at',
    'updated_at',
    'account_key',
  ]) {
    expect(byName[name]).toBeDefined();
  }
  expect(byName.account_identifier.data_type).toBe('jsonb');
  expect(byName.status.column_default).toMatch(/disconnected/);
});

test('account identifiers round-trip as JSON objects, and a claim is exclusive per provider', async () => {
  const orgs = new OrganizationsRepo(db);
  const repo = new IntegrationsRepo(db, new RowsCache({ ttlMs: 0, maxEntries: 10, trusted: false }));
  const a = randomUUID();
  const b = randomUUID();
  await orgs.ensure(a, 'A');
  await orgs.ensure(b, 'B');
  const row = await repo.connect(a, 'shopify', { storeName: 'db-store' }, 'db-store');
  expect(row.account_identifier).toEqual({ storeName: 'db-store' });
  await expect(repo.connect(b, 'shopify', { storeName: 'db-store' }, 'db-store')).rejects.toBeInstanceOf(
    AccountClaimedError,
  );
  // Same key on another provider is a different account.
  await expect(repo.connect(b, 'kustomer', { subdomain: 'db-store' }, 'db-store')).resolves.toMatchObject({
    status: 'connected',
  });
  // An integration in error still holds its claim.
  await repo.recordHealth(row, { ok: false, message: 'x' });
  await expect(repo.connect(b, 'shopify', { storeName: 'db-store' }, 'db-store')).rejects.toBeInstanceOf(
    AccountClaimedError,
  );
  await repo.disconnect(a, 'shopify');
  await expect(repo.connect(b, 'shopify', { storeName: 'db-store' }, 'db-store')).resolves.toMatchObject({
    account_key: 'db-store',
  });
  // Deleting an organization removes its integrations.
  await db('organizations').where({ id: b }).delete();
  expect(await db('integrations').where({ organization_id: b })).toEqual([]);
});

test('webhook events are unique per provider event id', async () => {
  const insert = () =>
    db('webhook_events').insert({
      provider: 'shopify',
      provider_event_id: 'evt-1',
      payload: JSON.stringify({ a: [1, 2] }),
    });
  await insert();
  await expect(insert()).rejects.toMatchObject({ code: '23505' });
});
