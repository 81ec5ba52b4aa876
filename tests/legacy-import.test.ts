import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { runImport, type ImportReport } from '../src/legacy/importer';
import { DEFAULT_MAPPING } from '../src/legacy/mapping';
import { fileSource, type LegacySource } from '../src/legacy/sources';
import { startKlaviyoSimulator, type KlaviyoSimulator } from './support/klaviyo-simulator';
import { startKustomerSimulator, type KustomerSimulator } from './support/kustomer-simulator';
import { startMessengerSimulator, type MessengerSimulator } from './support/messenger-simulator';
import { startOpenAiSimulator, type OpenAiSimulator } from './support/openai-simulator';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';
import { startTwilioSimulator, type TwilioSimulator } from './support/twilio-simulator';
import { PROVIDERS_CONFIGURED_OFFLINE, startTestGateway, type TestGateway } from './support/harness';

/**
 * The migration off per-user tokens (issue 13) on the shipped fixture, against every simulator:
 * dry run, real run, second run, purge, a table source, and the platform administrators' view.
 */
const FIXTURES = path.join(__dirname, 'fixtures', 'legacy');
const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';
const ORG_C = '33333333-3333-4333-8333-333333333333';
const SHOPIFY_TOKEN = 'shpat_legacy_import_admin_token';
const PAGE = '104857600123456';
const TOKEN_SHAPES = /shpat_|pk_FAKE|EAAFAKE|sk_live_|sk-FAKE|eyJhbGci|0123456789abcdef|AC[f]{32}/;

let gw: TestGateway;
let shopify: ShopifySimulator;
let klaviyo: KlaviyoSimulator;
let kustomer: KustomerSimulator;
let messenger: MessengerSimulator;
let twilio: TwilioSimulator;
let openai: OpenAiSimulator;
let work: string;

beforeAll(async () => {
  [shopify, klaviyo, kustomer, messenger, twilio, openai] = await Promise.all([
    startShopifySimulator({ accessToken: SHOPIFY_TOKEN, notInstalledStores: ['closed-store'] }),
    startKlaviyoSimulator(),
    startKustomerSimulator({ subdomains: ['acme'] }),
    startMessengerSimulator(),
    startTwilioSimulator(),
    startOpenAiSimulator(),
  ]);
  messenger.assignPage(PAGE, 'Acme Shoes');
  twilio.accountNumbers.push('+14155238886');
  gw = await startTestGateway({
    ...PROVIDERS_CONFIGURED_OFFLINE,
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
    KLAVIYO_PRIVATE_API_KEY: klaviyo.privateKey,
    KLAVIYO_API_BASE_URL: klaviyo.url,
    // The simulator's key belongs to company AbC123: another company id must fail its test.
    KLAVIYO_KEY_ACCOUNT_CHECK: 'on',
    KUSTOMER_API_KEY: kustomer.apiKey,
    KUSTOMER_API_BASE_URL: kustomer.baseUrlTemplate,
    MESSENGER_PAGE_ACCESS_TOKEN: messenger.systemUserToken,
    MESSENGER_API_BASE_URL: messenger.baseUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_WHATSAPP_NUMBER: 'whatsapp:+14155238886',
    TWILIO_API_BASE_URL: twilio.url,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseUrl,
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-import-'));
  for (const file of ['connections.json', 'connections.csv'])
    fs.copyFileSync(path.join(FIXTURES, file), path.join(work, file));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([shopify, klaviyo, kustomer, messenger, twilio, openai].map((sim) => sim?.close()));
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const deps = () => gw.gateway.services;
const run = (
  source: LegacySource,
  options: Partial<{ dryRun: boolean; purge: boolean; removeOriginal: boolean }> = {},
) =>
  runImport(
    { source, mapping: DEFAULT_MAPPING, dryRun: false, purge: false, removeOriginal: false, ...options },
    deps(),
  );
const json = () => fileSource(path.join(work, 'connections.json'));
const csv = () => fileSource(path.join(work, 'connections.csv'));
const byRowId = (report: ImportReport) => new Map(report.rows.map((r) => [r.rowId, r]));

async function tableCounts() {
  const count = async (table: string) => Number((await gw.db(table).count({ n: '*' }))[0]!.n);
  return {
    integrations: await count('integrations'),
    audit: await count('audit_log'),
    runs: await count('legacy_import_runs'),
    organizations: await count('organizations'),
  };
}

async function integrationsOf(orgId: string) {
  const token = await gw.token(orgId, 'admin');
  const { body } = await gw.graphql(
    `{ organization { integrations { ... on IntegrationCommon { provider status errorMessage } } } }`,
    {},
    token,
  );
  return Object.fromEntries(
    (
      body.data.organization.integrations as Array<{
        provider: string;
        status: string;
        errorMessage: string | null;
      }>
    ).map((i) => [i.provider, i]),
  );
}

test('a dry run reports every row and writes nothing, calls no provider', async () => {
  const before = await tableCounts();
  const report = await run(csv(), { dryRun: true });
  expect(await tableCounts()).toEqual(before);
  expect(report.runId).toBeNull();
  expect(shopify.requests).toHaveLength(0);
  expect(report.counts).toMatchObject({ rows: 20, planned: 9, unchanged: 1, conflicts: 4, invalid: 6 });
  const rows = byRowId(report);
  expect(rows.get('c-001')).toMatchObject({
    provider: 'shopify',
    accountKey: 'acme-store',
    result: 'planned',
  });
  expect(rows.get('c-002')).toMatchObject({ result: 'unchanged', reason: 'same connection as row 1' });
  expect(rows.get('c-004')).toMatchObject({ provider: 'kustomer', accountKey: 'acme', result: 'planned' });
  expect(rows.get('c-006')).toMatchObject({ provider: 'whatsapp', accountKey: '+14155238886' });
  // The provider's own parser decides, and its message is the reason.
  expect(rows.get('c-018')).toMatchObject({
    result: 'invalid',
    reason: expect.stringContaining('pageId must be the numeric id of the Facebook Page'),
  });
  expect(rows.get('c-020')?.reason).toContain('Invalid Shopify account identifier');
  expect(rows.get('c-008')?.reason).toContain('Stripe needs no connect step');
  expect(rows.get('c-016')?.reason).toContain('not an organization UUID');
  expect(rows.get('c-017')?.reason).toContain('unknown provider "mailchimp"');
  // Conflicts are reported on every row involved, never resolved by picking one.
  expect(rows.get('c-012')).toMatchObject({
    result: 'conflict',
    reason: expect.stringContaining('2 organizations claim the Shopify account shared-store'),
  });
  expect(rows.get('c-013')).toMatchObject({ result: 'conflict' });
  expect(rows.get('c-014')).toMatchObject({
    result: 'conflict',
    reason: expect.stringContaining('2 Kustomer accounts'),
  });
  expect(rows.get('c-015')).toMatchObject({ result: 'conflict' });
  expect(report.secretsInSource.findings.length).toBeGreaterThan(15);
});

test('a real run imports, verifies under the admin credentials, audits each row; failures keep their reason', async () => {
  const report = await run(json());
  expect(report.runId).toEqual(expect.any(String));
  expect(report.counts).toMatchObject({
    rows: 20,
    imported: 9,
    verified: 6,
    failed: 3,
    unchanged: 1,
    conflicts: 4,
    invalid: 6,
  });

  const a = await integrationsOf(ORG_A);
  for (const provider of ['SHOPIFY', 'KLAVIYO', 'KUSTOMER', 'MESSENGER', 'WHATSAPP', 'OPENAI'])
    expect(a[provider]).toMatchObject({ status: 'CONNECTED', errorMessage: null });
  expect(a.STRIPE!.status).toBe('DISCONNECTED');
  // The test went to the providers with the platform's credentials, not a user's token.
  const shopifyCall = shopify.requests.find((r) => r.store === 'acme-store');
  expect(shopifyCall?.headers['x-shopify-access-token']).toBe(SHOPIFY_TOKEN);

  const b = await integrationsOf(ORG_B);
  expect(b.SHOPIFY!.status).toBe('ERROR');
  expect(b.KLAVIYO).toMatchObject({
    status: 'ERROR',
    errorMessage: expect.stringContaining('different Klaviyo account'),
  });
  expect(b.WHATSAPP!.status).toBe('ERROR');
  const rows = byRowId(report);
  expect(rows.get('c-009')).toMatchObject({ result: 'failed', status: 'error', reason: expect.any(String) });
  expect(rows.get('c-010')?.reason).toContain('different Klaviyo account');
  // Neither claimant of the conflicting store got it.
  expect((await integrationsOf(ORG_C)).SHOPIFY!.status).toBe('DISCONNECTED');

  const audit = await gw.auditLog(
    await gw.token(ORG_A, 'admin'),
    20,
    'action outcome provider accountKey actorId actorRole',
  );
  expect(audit.filter((e) => e.action === 'legacy.import')).toHaveLength(7); // 6 verified + the Stripe row
  expect(audit).toContainEqual(
    expect.objectContaining({
      action: 'legacy.import',
      actorId: 'importer',
      actorRole: 'importer',
      provider: 'SHOPIFY',
      accountKey: 'acme-store',
      outcome: 'OK',
    }),
  );
  // Nothing secret went anywhere the gateway keeps.
  const stored = JSON.stringify([
    await gw.db('integrations').select('*'),
    await gw.db('audit_log').select('*'),
    await gw.db('legacy_import_runs').select('*'),
  ]);
  expect(stored).not.toMatch(TOKEN_SHAPES);
});

test('a second run of the same export changes nothing', async () => {
  const before = await tableCounts();
  const integrations = await gw.db('integrations').select('*').orderBy('id');
  const report = await run(csv());
  const after = await tableCounts();
  expect(after).toEqual({ ...before, runs: before.runs + 1 });
  expect(await gw.db('integrations').select('*').orderBy('id')).toEqual(integrations);
  expect(report.counts).toMatchObject({
    imported: 0,
    verified: 0,
    failed: 0,
    unchanged: 10,
    conflicts: 4,
    invalid: 6,
  });
  expect(byRowId(report).get('c-001')).toMatchObject({ result: 'unchanged', reason: 'already connected' });
  expect(byRowId(report).get('c-009')?.reason).toContain('already imported; its last test failed');
});

test('the purge rewrites the file without any token, keeps the original until asked, and proves it', async () => {
  const report = await run(json(), { purge: true });
  expect(report.counts.imported).toBe(0);
  const purged = path.join(work, 'connections.purged.json');
  expect(report.purge).toMatchObject({ target: purged, originalRemoved: false });
  expect(report.purge!.columns).toEqual(
    expect.arrayContaining(['access_token', 'api_key', 'auth_token', 'secret']),
  );
  expect(report.secretsRemaining?.findings).toEqual([]);
  const text = fs.readFileSync(purged, 'utf8');
  expect(text).not.toMatch(TOKEN_SHAPES);
  // What the import needs is still there: a rerun on the purged file is all "unchanged".
  expect(JSON.parse(text)[0]).toMatchObject({ id: 'c-001', shop: 'acme-store.myshopify.com' });
  expect(fs.existsSync(path.join(work, 'connections.json'))).toBe(true);

  const again = await run(fileSource(purged));
  expect(again.counts).toMatchObject({ imported: 0, unchanged: 10 });

  const fromCsv = await run(csv(), { purge: true, removeOriginal: true });
  expect(fromCsv.secretsRemaining?.findings).toEqual([]);
  expect(fs.existsSync(path.join(work, 'connections.csv'))).toBe(false);
  expect(fs.readFileSync(path.join(work, 'connections.purged.csv'), 'utf8')).not.toMatch(TOKEN_SHAPES);
  expect(fs.readFileSync(path.join(work, 'connections.purged.csv'), 'utf8')).toContain(
    '"read_orders,read_customers"',
  );

  const { body } = await gw.graphql(
    `{ legacyImportRuns(first: 1) { purged secretsRemaining } }`,
    {},
    await gw.token(ORG_A, 'platform_admin'),
  );
  expect(body.data.legacyImportRuns).toEqual([{ purged: true, secretsRemaining: 0 }]);
});

test('a table of the database is read, imported, and its token columns cleared in one transaction', async () => {
  const table = `legacy_tokens_${randomUUID().slice(0, 8)}`;
  const org = randomUUID();
  const other = randomUUID();
  await gw.db.schema.createTable(table, (t) => {
    t.increments('id');
    t.uuid('org_id');
    t.text('provider');
    t.text('shop_domain');
    t.text('subdomain');
    t.text('access_token');
    t.text('refresh_token');
  });
  await gw.db(table).insert([
    {
      org_id: org,
      provider: 'Shopify',
      shop_domain: 'table-store.myshopify.com',
      access_token: 'shpat_FAKE0000000000000000000000000010',
      refresh_token: 'FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE',
    },
    // Org A holds "acme" in the gateway since the fixture's run: reported, not taken over.
    {
      org_id: other,
      provider: 'kustomer',
      subdomain: 'acme',
      access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJGQUtFIjoiVCJ9.RkFLRUZBS0VGQUtF',
    },
  ]);
  const source: LegacySource = { kind: 'table', db: gw.db, table, label: `table ${table}` };
  const report = await run(source, { purge: true });
  expect(report.rows.map((r) => [r.rowId, r.result])).toEqual([
    ['1', 'verified'],
    ['2', 'conflict'],
  ]);
  expect(report.rows[1]!.reason).toContain('connected to another organization in the gateway');
  expect((await integrationsOf(org)).SHOPIFY!.status).toBe('CONNECTED');
  expect(report.secretsRemaining?.findings).toEqual([]);
  const left = await gw.db(table).select('*').orderBy('id');
  expect(left.map((r) => [r.access_token, r.refresh_token, r.shop_domain])).toEqual([
    [null, null, 'table-store.myshopify.com'],
    [null, null, null],
  ]);
  expect(JSON.stringify(left)).not.toMatch(TOKEN_SHAPES);
});

test('platform administrators see the runs and their outcomes; an organization admin is refused', async () => {
  const query = `{ legacyImportRuns(first: 10) {
    id startedAt finishedAt source purged
    counts { rows imported verified failed unchanged conflicts invalid }
    rows { row rowId organizationId provider accountKey result reason status } } }`;
  const { body } = await gw.graphql(query, {}, await gw.token(ORG_A, 'platform_admin'));
  expect(body.errors).toBeUndefined();
  const runs = body.data.legacyImportRuns as Array<any>;
  const first = runs[runs.length - 1];
  expect(first.counts).toEqual({
    rows: 20,
    imported: 9,
    verified: 6,
    failed: 3,
    unchanged: 1,
    conflicts: 4,
    invalid: 6,
  });
  expect(first.source).toContain('connections.json');
  expect(first.rows[0]).toEqual({
    row: 1,
    rowId: 'c-001',
    organizationId: ORG_A,
    provider: 'SHOPIFY',
    accountKey: 'acme-store',
    result: 'VERIFIED',
    reason: null,
    status: 'CONNECTED',
  });
  expect(first.rows.map((r: { result: string }) => r.result)).toContain('CONFLICT');
  expect(JSON.stringify(runs)).not.toMatch(TOKEN_SHAPES);

  const refused = await gw.graphql(query, {}, await gw.token(ORG_A, 'admin'));
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(refused.body.data).toBeNull();
});
