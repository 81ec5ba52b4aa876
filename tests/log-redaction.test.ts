/**
 * A provider that echoes a credential in an error body must not put it in the gateway's log: every
 * line is scanned for the configured secrets and for credential-shaped values, whatever the field.
 */
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config/config';
import { configuredSecrets, createLogger } from '../src/observability/logger';
import { startFakeUpstream } from './support/fake-upstream';
import { TEST_JWT_SECRET, newOrgId, startTestGateway, type TestGateway } from './support/harness';

const KUSTOMER_KEY = 'kustomer-configured-key-5f2c9a';
const SHOPIFY_TOKEN = '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';
const STRANGER_TOKEN = 'shpat_0123456789abcdef0123456789abcdef';

const lines: string[] = [];
let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
let gw: TestGateway;
let admin: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    status: 500,
    body: {
      errors: [
        { title: `invalid key ${KUSTOMER_KEY}`, detail: `also tried ${STRANGER_TOKEN} and ${SHOPIFY_TOKEN}` },
      ],
      request: { headers: { authorization: `Bearer ${KUSTOMER_KEY}` } },
    },
  });
  const env = {
    KUSTOMER_API_KEY: KUSTOMER_KEY,
    KUSTOMER_API_BASE_URL: `${upstream.url}/{subdomain}`,
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_BASE_URL: `${upstream.url}/{store}`,
    UPSTREAM_MAX_RETRIES: '0',
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // As src/main.ts builds it: the secrets come from the configuration.
  const secrets = configuredSecrets(
    loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env }),
  );
  expect(secrets).toEqual(expect.arrayContaining([TEST_JWT_SECRET, KUSTOMER_KEY, SHOPIFY_TOKEN]));
  gw = await startTestGateway(env, { logger: createLogger('debug', sink, { secrets }) });
  admin = await gw.token(newOrgId(), 'admin');
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: { kustomer: { subdomain: "echo" } }) { integration { __typename } } }`,
    {},
    admin,
  );
  expect(body.errors).toBeUndefined();
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

test('a provider error body echoing the configured key and a Shopify token is logged without them', async () => {
  const { body } = await gw.graphql(
    `{ organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { customer(email: "a@example.com") { id } } } } }`,
    {},
    admin,
  );
  expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(upstream.requests).toHaveLength(1);

  const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'provider call failed');
  // The line is there, with the body's harmless parts, and it is still JSON.
  expect(failure).toMatchObject({ provider: 'kustomer', status: 500 });
  expect(failure.detail).toMatch(/invalid key \[REDACTED\]/);
  expect(failure.detail).toMatch(/also tried \[REDACTED\] and \[REDACTED\]/);
  const all = lines.join('\n');
  for (const secret of [KUSTOMER_KEY, SHOPIFY_TOKEN, STRANGER_TOKEN, TEST_JWT_SECRET, admin])
    expect(all).not.toContain(secret);
});
