import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type pino from 'pino';
import { createGateway, createServices, type Gateway } from '../../src/app';
import { issueToken } from '../../src/auth/token-issuer';
import type { RoleValue } from '../../src/auth/viewer';
import { loadConfig, type Config } from '../../src/config/config';
import { createDatabase, type Db } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import type { DbScope } from '../../src/db/tenant-scope';
import { attachSubscriptions } from '../../src/graphql/subscriptions';
import { configuredSecrets, createLogger } from '../../src/observability/logger';
import { TEMPLATE_ENV } from './pglite-template';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * Every provider configured but pointed at a closed port: for tests about claiming, releasing and
 * validating accounts that make no provider call (connecting needs the provider configured).
 */
export const PROVIDERS_CONFIGURED_OFFLINE = {
  SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_offline_token',
  SHOPIFY_API_BASE_URL: 'http://127.0.0.1:9/{store}',
  KLAVIYO_PRIVATE_API_KEY: 'pk_offline_key',
  KLAVIYO_API_BASE_URL: 'http://127.0.0.1:9',
  KUSTOMER_API_KEY: 'offline-kustomer-key',
  KUSTOMER_API_BASE_URL: 'http://127.0.0.1:9/{subdomain}',
  MESSENGER_APP_ID: 'offline-app',
  MESSENGER_APP_SECRET: 'offline-app-secret',
  MESSENGER_PAGE_ACCESS_TOKEN: 'offline-page-token',
  MESSENGER_VERIFY_TOKEN: 'offline-verify-token',
  MESSENGER_API_BASE_URL: 'http://127.0.0.1:9',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'offline-twilio-token',
  TWILIO_WHATSAPP_NUMBER: 'whatsapp:+14155238886',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
  OPENAI_API_KEY: 'sk-offline',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  STRIPE_SECRET_KEY: 'sk_test_offline',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_offline',
  STRIPE_WEBHOOK_SECRET: 'whsec_offline',
  STRIPE_API_BASE_URL: 'http://127.0.0.1:9',
};

export interface TestGateway {
  url: string;
  gateway: Gateway;
  db: Db;
  /** Signs a token for an organization and role (defaults: a fresh user id). */
  token(orgId: string, role: RoleValue, sub?: string): Promise<string>;
  /** POST /graphql with an optional bearer token; returns status and parsed body. */
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    body: {
      data?: T;
      errors?: Array<{ message: string; extensions?: Record<string, any>; path?: unknown[] }>;
    };
  }>;
  /** The newest audit entries of the token's organization (only the given fields). */
  auditLog(token: string, first?: number, fields?: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * Starts the real gateway (express + Apollo + database) on a random port. The database is PGlite in
 * memory unless TEST_DATABASE_URL (or DATABASE_URL) names a PostgreSQL server, as CI's second run does.
 * Each call gets its own schema on PostgreSQL so test files do not see each other's rows.
 */
export async function startTestGateway(
  env: Record<string, string | undefined> = {},
  options: {
    databaseUrl?: string | undefined;
    logger?: pino.Logger;
    /** PGlite on disk (a restart test shares one folder between gateways started one after another). */
    pgliteDataDir?: string;
    /** Set after loading, as src/main.ts does (e.g. `devSigning: true` for POST /auth/dev-token). */
    config?: Partial<Config>;
    /** Scope of statements made outside any scope (default: the platform's, for fixtures). */
    unscoped?: DbScope;
  } = {},
): Promise<TestGateway> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabaseUrl());
  const loaded = loadConfig({
    NODE_ENV: 'test',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PGLITE_DATA_DIR: ':memory:',
    UPSTREAM_TIMEOUT_MS: '3000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const config: Config = { ...loaded, ...options.config };
  const db = createDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: options.pgliteDataDir ?? ':memory:',
    pgliteTemplate: process.env[TEMPLATE_ENV],
    // The tests' own fixtures and checks see every organization's rows; the gateway's work sets its
    // own scope (src/db/tenant-scope.ts), and tests/rls.test.ts checks it with `unscoped: none`.
    unscoped: options.unscoped ?? TEST_FIXTURES_SCOPE,
  });
  await migrateToLatest(db);
  const logger =
    options.logger ??
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', undefined, { secrets: configuredSecrets(config) });
  const gateway = await createGateway(createServices(config, db, logger));
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const subscriptions = attachSubscriptions(server, gateway);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const graphql: TestGateway['graphql'] = async (query, variables, token, headers = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    url,
    gateway,
    db,
    token: (orgId, role, sub = `user-${randomUUID().slice(0, 8)}`) =>
      issueToken(TEST_JWT_SECRET, { sub, orgId, role }),
    graphql,
    async auditLog(token, first = 1, fields = 'action outcome errorCode provider accountKey actorId') {
      const { body } = await graphql(
        `query Audit($first: Int) { organization { auditLog(first: $first) { edges { node { ${fields} } } } } }`,
        { first },
        token,
      );
      return body.data.organization.auditLog.edges.map(
        (edge: { node: Record<string, unknown> }) => edge.node,
      );
    },
    async close() {
      // Open WebSockets would keep server.close waiting.
      for (const socket of subscriptions.clients) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await gateway.stop();
      await db.destroy();
    },
  };
}

/** PGlite in memory, or a fresh schema on the PostgreSQL server named by TEST_DATABASE_URL or DATABASE_URL. */
export async function createTestDatabase(): Promise<Db> {
  const url = await createTestDatabaseUrl();
  return createDatabase({ databaseUrl: url, pgliteDataDir: ':memory:', unscoped: TEST_FIXTURES_SCOPE });
}

/** Tests' own statements (fixtures, checks of rows, tables of their own) see every organization's rows. */
const TEST_FIXTURES_SCOPE: DbScope = { kind: 'platform', reason: 'test fixtures', asOwner: true };

/** The PostgreSQL server of the test run, if any. */
export const testPostgresUrl = () => process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/**
 * A connection string to a fresh schema on the test PostgreSQL server (its search_path set), or
 * undefined when the tests run on PGlite. Two gateways given the same one share a database.
 */
export async function createTestDatabaseUrl(): Promise<string | undefined> {
  const url = testPostgresUrl();
  if (!url) return undefined;
  const schema = `test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = createDatabase({ databaseUrl: url, pgliteDataDir: '' });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=-c%20search_path%3D${schema}`;
}

export const newOrgId = () => randomUUID();
