/**
 * The audit log is append-only in the database itself, whoever connects: UPDATE, DELETE and TRUNCATE
 * are all refused (TRUNCATE fires no row trigger, so it needs its own statement trigger).
 */
import { randomUUID } from 'node:crypto';
import { migrateToLatest } from '../src/db/migrate';
import type { Db } from '../src/db/database';
import { createTestDatabase, testPostgresUrl } from './support/harness';

let db: Db;
const org = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateToLatest(db);
  await db('audit_log').insert({ organization_id: org, action: 'integration.connect', outcome: 'ok' });
});
afterAll(() => db.destroy());

const engine = testPostgresUrl() ? 'PostgreSQL' : 'PGlite';

test(`TRUNCATE audit_log is refused (${engine})`, async () => {
  await expect(db.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  await expect(db('audit_log').truncate()).rejects.toThrow(/append-only/);
  expect(await db('audit_log').where({ organization_id: org }).select('action')).toEqual([
    { action: 'integration.connect' },
  ]);
});

test(`UPDATE and DELETE are still refused (${engine})`, async () => {
  await expect(db('audit_log').where({ organization_id: org }).update({ outcome: 'error' })).rejects.toThrow(
    /append-only/,
  );
  await expect(db('audit_log').where({ organization_id: org }).delete()).rejects.toThrow(/append-only/);
  expect(await db('audit_log').where({ organization_id: org }).select('outcome')).toEqual([
    { outcome: 'ok' },
  ]);
});

test(`appending still works (${engine})`, async () => {
  await db('audit_log').insert({ organization_id: org, action: 'integration.test', outcome: 'error' });
  expect(Number((await db('audit_log').where({ organization_id: org }).count({ n: '*' }))[0]!.n)).toBe(2);
});
