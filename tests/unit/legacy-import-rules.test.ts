import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAPPING, loadMapping } from '../../src/legacy/mapping';
import { planRows } from '../../src/legacy/planner';
import { purgeSecrets } from '../../src/legacy/purge';
import { scanForSecrets } from '../../src/legacy/secret-scan';
import { csvRows, fileSource } from '../../src/legacy/sources';

const ORG = '11111111-1111-4111-8111-111111111111';

test('the scan finds every provider token shape, in any column, and never repeats the value', () => {
  const values = {
    shopify: 'shpat_FAKE0000000000000000000000000001',
    klaviyo: 'pk_FAKE00000000000000000000000000000001',
    facebook: 'EAAFAKE000000000000000000000000000000001',
    twilioKey: `SK${'a'.repeat(32)}`,
    twilioSid: `AC${'b'.repeat(32)}`,
    stripe: 'rk_live_FAKE00000000000001',
    openai: 'sk-proj-FAKE00000000000000000000000001',
  };
  const scan = scanForSecrets(
    Object.values(values).map((value) => ({ notes: `pasted: ${value}` })),
    DEFAULT_MAPPING,
    'test',
  );
  expect(scan.findings.map((f) => f.kind)).toEqual([
    'shopify-token',
    'klaviyo-private-key',
    'facebook-token',
    'twilio-api-key',
    'twilio-account-sid',
    'stripe-key',
    'openai-key',
  ]);
  expect(JSON.stringify(scan)).not.toContain('FAKE');
  // Opaque strings count in credential columns only; ordinary ids elsewhere are not secrets.
  const opaque = scanForSecrets(
    [{ oauth_token: 'Zz9_'.repeat(10), shop: 'acme-store', org_id: ORG, page_id: '104857600123456' }],
    DEFAULT_MAPPING,
    'test',
  );
  expect(opaque.findings).toEqual([{ row: 1, column: 'oauth_token', kind: 'long-base64' }]);
  expect(
    scanForSecrets([{ auth_token: '0123456789abcdef'.repeat(2) }], DEFAULT_MAPPING, 'test').findings,
  ).toEqual([{ row: 1, column: 'auth_token', kind: 'long-hex' }]);
});

test('a purge that leaves a token outside the secret columns says so, naming row and column', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-rules-'));
  try {
    const file = path.join(dir, 'export.csv');
    fs.writeFileSync(
      file,
      `org_id,provider,shop,access_token,notes\n${ORG},shopify,acme,shpat_FAKE0000000000000000000000000001,"old token: shpat_FAKE0000000000000000000000000002"\n`,
    );
    const result = await purgeSecrets(
      fileSource(file),
      ['org_id', 'provider', 'shop', 'access_token', 'notes'],
      DEFAULT_MAPPING,
      {
        removeOriginal: false,
      },
    );
    expect(result.columns).toEqual(['access_token']);
    expect(csvRows(fs.readFileSync(result.target, 'utf8'))[0]).toEqual({
      org_id: ORG,
      provider: 'shopify',
      shop: 'acme',
      notes: 'old token: shpat_FAKE0000000000000000000000000002',
    });
    expect(scanForSecrets(result.after, DEFAULT_MAPPING, result.target).findings).toEqual([
      { row: 1, column: 'notes', kind: 'shopify-token' },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--mapping names other columns; identifiers are derived from URLs and checked by the parser', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-mapping-'));
  const file = path.join(dir, 'mapping.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      organization: ['tenant'],
      account: { kustomer: ['instance'] },
      providerAliases: { KUST: 'kustomer' },
    }),
  );
  const mapping = loadMapping(file);
  fs.rmSync(dir, { recursive: true, force: true });
  const planned = planRows(
    [
      { Tenant: ORG, Provider: 'kust', Instance: 'https://Acme.api.kustomerapp.com/v1' },
      {
        tenant: ORG.toUpperCase(),
        provider: 'shopify',
        'Shop Domain': 'https://admin.shopify.com/store/bolt-bikes',
      },
      { tenant: ORG, provider: 'kustomer', instance: 'https://evil.example.com' },
    ],
    mapping,
  );
  expect(planned.map((p) => [p.organizationId, p.provider, p.accountKey, p.result])).toEqual([
    [ORG, 'kustomer', 'acme', 'planned'],
    [ORG, 'shopify', 'bolt-bikes', 'planned'],
    [ORG, 'kustomer', null, 'invalid'],
  ]);
  expect(planned[2]!.reason).toContain('Invalid Kustomer account identifier');
  expect(() => loadMapping(path.join(os.tmpdir(), 'no-such-mapping.json'))).toThrow(/mapping file/);
});
