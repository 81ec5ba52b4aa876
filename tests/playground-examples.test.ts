/**
 * The playground at GET /graphql: its example operations (one file per provider, beside the
 * provider's code) are valid against the gateway's schema; the page is served to browsers when
 * PLAYGROUND allows and loads nothing from another origin; POST /auth/dev-token, which prefills its
 * headers, exists only when the gateway signs with its development secret.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { DEMO_ORG_ID } from '../src/auth/dev-secret';
import { PROVIDERS } from '../src/datasources/registry';
import { buildGatewaySchema } from '../src/graphql/schema';
import { startTestGateway, type TestGateway } from './support/harness';

const root = path.resolve(__dirname, '..');
const examplesFile = (provider: string) =>
  path.join(root, 'src', 'datasources', provider, `${provider}.examples.graphql`);
const gatewayExamples = path.join(root, 'ui', 'src', 'playground', 'gateway.examples.graphql');

describe('example operations', () => {
  const schema = buildGatewaySchema();
  const files = [gatewayExamples, ...PROVIDERS.map(examplesFile)];

  test.each(PROVIDERS)('%s has an examples file in its own folder', (provider) => {
    expect(fs.existsSync(examplesFile(provider))).toBe(true);
  });

  test.each(files.map((file) => [path.relative(root, file), file]))(
    '%s: named operations, all valid against the schema',
    (_name, file) => {
      const document = parse(fs.readFileSync(file, 'utf8'));
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations.length).toBeGreaterThan(0);
      // Named: GraphiQL lists them by name, and several in one document must be.
      expect(operations.filter((op) => !op.name)).toEqual([]);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    },
  );

  test('a provider file shows something of its provider (its integration or its own fields)', () => {
    for (const provider of PROVIDERS) {
      expect(fs.readFileSync(examplesFile(provider), 'utf8')).toMatch(
        new RegExp(`integration\\(provider: ${provider.toUpperCase()}\\)`),
      );
    }
  });
});

describe('the built page', () => {
  const dist = path.join(root, 'ui', 'dist');
  beforeAll(() => {
    // A no-op when ui/dist is newer than its sources (npm install and npm start build it).
    execFileSync(process.execPath, [path.join(root, 'ui', 'build.mjs')], { stdio: 'inherit' });
  }, 300_000);

  test('loads its scripts, styles and fonts from the gateway only (works offline)', () => {
    const html = fs.readFileSync(path.join(dist, 'playground.html'), 'utf8');
    expect(html).toMatch(/<title>Switchboard GraphQL playground<\/title>/);
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((ref) => !ref!.startsWith('/ui/'))).toEqual([]);
    const assets = fs.readdirSync(path.join(dist, 'assets'));
    for (const file of assets.filter((name) => name.endsWith('.css'))) {
      const css = fs.readFileSync(path.join(dist, 'assets', file), 'utf8');
      expect({ file, remote: css.match(/(?:url\(\s*['"]?|@import\s+['"])(?:https?:)?\/\/[^)'"]*/g) }).toEqual(
        { file, remote: null },
      );
    }
    for (const file of assets.filter((name) => name.endsWith('.js'))) {
      const js = fs.readFileSync(path.join(dist, 'assets', file), 'utf8');
      expect({ file, remote: js.match(/import\(\s*['"`](?:https?:)?\/\/[^'"`]*/g) }).toEqual({
        file,
        remote: null,
      });
    }
  });
});

const asBrowser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
/** What a browser's GET /graphql gets: the playground, or (status and start of) something else. */
const browserGet = async (gw: TestGateway) => {
  const res = await fetch(`${gw.url}/graphql`, { headers: asBrowser });
  const body = await res.text();
  return res.status === 200 && /Switchboard GraphQL playground/.test(body)
    ? 'playground'
    : `${res.status} ${body.slice(0, 200)}`;
};
const devToken = (gw: TestGateway, body: unknown = {}) =>
  fetch(`${gw.url}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('outside production, signing with the development secret', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(root, 'ui', 'build.mjs')], { stdio: 'inherit' });
    gw = await startTestGateway({}, { config: { devSigning: true } });
  }, 300_000);
  afterAll(() => gw?.close());

  test('a browser asking GET /graphql gets the playground; API clients get GraphQL', async () => {
    const page = await fetch(`${gw.url}/graphql`, { headers: asBrowser });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/Switchboard GraphQL playground/);

    const api = await fetch(`${gw.url}/graphql`, { headers: { accept: 'application/json' } });
    expect(api.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await api.text()).not.toMatch(/Switchboard GraphQL playground/);

    // A GET query from a browser is a query, not a page.
    const query = await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { ...asBrowser, 'apollo-require-preflight': 'true' },
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('POST /auth/dev-token gives a token the gateway accepts, admin of the demo organization by default', async () => {
    const res = await devToken(gw);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const { body } = await gw.graphql('{ viewer { userId role organization { id name } } }', {}, token);
    expect(body).toEqual({
      data: {
        viewer: {
          userId: 'demo-admin',
          role: 'ADMIN',
          organization: { id: DEMO_ORG_ID, name: 'Demo organization' },
        },
      },
    });
  });

  test('POST /auth/dev-token signs the role and organization asked for', async () => {
    const orgId = '6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b';
    const res = await devToken(gw, { orgId, role: 'member', userId: 'dev-member' });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const { body } = await gw.graphql('{ viewer { userId role organization { id } } }', {}, token);
    expect(body.data).toEqual({
      viewer: { userId: 'dev-member', role: 'MEMBER', organization: { id: orgId } },
    });
  });

  test.each([
    ['an unknown role', { role: 'owner' }],
    ['an organization id that is no UUID', { orgId: 'acme' }],
    ['an unknown field', { admin: true }],
  ])('POST /auth/dev-token refuses %s with 400', async (_what, body) => {
    const res = await devToken(gw, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'BAD_USER_INPUT' });
  });
});

describe('PLAYGROUND and NODE_ENV', () => {
  test('PLAYGROUND=false: no playground, browsers get GraphQL’s answer; no dev token without the development secret', async () => {
    const gw = await startTestGateway({ PLAYGROUND: 'false' });
    try {
      expect(await browserGet(gw)).not.toBe('playground');
      const res = await fetch(`${gw.url}/graphql`, { headers: asBrowser });
      expect(res.status).toBe(400);
      expect(await res.text()).not.toMatch(/<html/i);
      expect((await devToken(gw)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  test('NODE_ENV=production: off by default, and POST /auth/dev-token never exists', async () => {
    const gw = await startTestGateway({ NODE_ENV: 'production' }, { config: { devSigning: true } });
    try {
      expect(await browserGet(gw)).not.toBe('playground');
      expect((await devToken(gw)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  test('NODE_ENV=production with PLAYGROUND=true serves it', async () => {
    const gw = await startTestGateway({ NODE_ENV: 'production', PLAYGROUND: 'true' });
    try {
      expect(await browserGet(gw)).toBe('playground');
    } finally {
      await gw.close();
    }
  });
});
