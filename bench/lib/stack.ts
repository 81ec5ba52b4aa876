/**
 * Starting the pieces: the upstream (core 0) and the gateway (core 1), and the gateway's set-up
 * (one organization per upstream latency, each connected to its own store).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issueToken } from '../../src/auth/token-issuer';
import { memory } from './proc-stats';
import { freePort, spawnChild, waitForHttp, type Child } from './processes';
import { messengerEnv } from '../subscription-scenario';

export const ROOT = resolve(__dirname, '..', '..');
export const SHOPIFY_TOKEN = 'shpat_bench_token';
export const API_VERSION = '2025-01';
/**
 * The upstream answers a store named `…-lat<ms>` after <ms> ms. A tag per bench run keeps the names
 * unclaimed when the database outlives the run (BENCH_DATABASE_URL): a store belongs to one
 * organization at a time.
 */
const RUN_TAG = randomBytes(3).toString('hex');
export const storeFor = (latencyMs: number) => `bench-${RUN_TAG}-lat${latencyMs}`;
/** The key the bench signs its Shopify webhook deliveries with (W1); the gateway gets it too. */
export const SHOPIFY_WEBHOOK_SECRET = randomBytes(24).toString('hex');

export interface UpstreamStats {
  total: number;
  routes: Record<string, { calls: number; bytes: number; lastSize: number; errors: number }>;
  recent: string[];
  invalidQueries: Array<{ store: string; errors: string[] }>;
}

export interface Upstream {
  child: Child;
  url: string;
  stats(): Promise<UpstreamStats>;
  reset(): Promise<void>;
}

export const graphqlUrl = (upstream: Upstream, latencyMs: number) =>
  `${upstream.url}/${storeFor(latencyMs)}/admin/api/${API_VERSION}/graphql.json`;

export async function startUpstream(): Promise<Upstream> {
  const port = await freePort();
  const child = spawnChild({
    name: 'upstream',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/upstream/shopify-upstream.ts'],
    cpu: '0',
    cwd: ROOT,
    env: { BENCH_UPSTREAM_PORT: String(port), BENCH_SHOPIFY_TOKEN: SHOPIFY_TOKEN, NODE_ENV: 'production' },
  });
  await child.waitFor(/UPSTREAM_READY (\d+)/, 60_000);
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    stats: async () => (await (await fetch(`${url}/__bench/stats`)).json()) as UpstreamStats,
    reset: async () => {
      await fetch(`${url}/__bench/reset`, { method: 'POST' });
    },
  };
}

export interface GatewayProcess {
  child: Child;
  url: string;
  /** Admin token of the organization connected to the store of each upstream latency. */
  tokens: Record<number, string>;
  /** A platform administrator's token (W1 reads the events no worker has routed yet). */
  platformToken: string;
  startMs: number;
  rssAfterStartMb: number;
  nodeArgs: string[];
}

/**
 * The gateway's environment. Per-organization rate limits stay on (their cost is part of a
 * request's) but are scaled far beyond what the bench sends (BENCH_RATE_LIMIT_SCALE).
 */
function gatewayEnv(dataDir: string, secret: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: secret,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_VERSION: API_VERSION,
    SHOPIFY_WEBHOOK_SECRET,
    PGLITE_DATA_DIR: join(dataDir, 'pglite'),
    // Only what the bench says: an inherited DATABASE_URL/REDIS_URL must not change the set-up.
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
    REDIS_URL: '',
    RATE_LIMIT_SCALE: process.env.BENCH_RATE_LIMIT_SCALE ?? '100000',
    // W2 posts signed Messenger deliveries.
    ...messengerEnv(),
  };
}

/**
 * Creates and migrates the gateway's database in a process of its own (`npm run migrate`), as a
 * deployment does. With PGlite this matters: a first start on an empty data folder runs initdb
 * inside the gateway, and the memory that takes (~500 MB) stays in the process; a start on an
 * existing folder does not pay it (docs/benchmark.md).
 */
export async function prepareDatabase(dataDir: string, secret: string): Promise<void> {
  const child = spawnChild({
    name: 'migrate',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/cli/migrate.ts'],
    cpu: '1',
    cwd: ROOT,
    env: gatewayEnv(dataDir, secret),
  });
  const exitCode = await new Promise<number | null>((resolveExit) => {
    const timer = setTimeout(() => void child.stop(), 120_000);
    child.proc.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
  if (exitCode !== 0)
    throw new Error(`npm run migrate failed (exit ${exitCode}):\n${child.output().slice(-2000)}`);
}

export async function startGateway(
  upstream: Upstream,
  dataDir: string,
  latencies: number[],
): Promise<GatewayProcess> {
  const secret = randomBytes(32).toString('hex');
  if (process.env.BENCH_PGLITE_FRESH !== '1') await prepareDatabase(dataDir, secret);
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnChild({
    name: 'gateway',
    command: process.execPath,
    args: [...nodeArgs, ...startCommandArgs()],
    cpu: '1',
    cwd: ROOT,
    env: {
      ...gatewayEnv(dataDir, secret),
      PORT: String(port),
      HOST: '127.0.0.1',
      SHOPIFY_API_BASE_URL: `${upstream.url}/{store}`,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  await waitForHttp(`${url}/healthz`, 90_000, child);
  const startMs = Date.now() - t0;
  const rssAfterStartMb = Math.round(memory([child.pid]).rssMb);
  const tokens: Record<number, string> = {};
  for (const latency of latencies) {
    const orgId = randomUUID();
    const token = await issueToken(secret, { sub: `bench-admin-${latency}`, orgId, role: 'admin' });
    tokens[latency] = token;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation Connect($store: String!) { connectIntegration(input: { shopify: { storeName: $store } }) { integration { __typename } } }`,
        variables: { store: storeFor(latency) },
      }),
    });
    const body = await res.text();
    let typename: unknown;
    try {
      typename = (JSON.parse(body) as any)?.data?.connectIntegration?.integration?.__typename;
    } catch {
      typename = undefined;
    }
    if (!res.ok || typename !== 'ShopifyIntegration') {
      throw new Error(
        `set-up (connectIntegration for ${storeFor(latency)}) failed: HTTP ${res.status} ${body.slice(0, 500)}`,
      );
    }
  }
  const platformToken = await issueToken(secret, {
    sub: 'bench-platform-admin',
    orgId: randomUUID(),
    role: 'platform_admin',
  });
  return { child, url, tokens, platformToken, startMs, rssAfterStartMb, nodeArgs };
}

export const ROOT_PATH = (...parts: string[]) => join(ROOT, ...parts);

/**
 * The gateway runs exactly as `npm start` runs it (package.json's `start`: `node <flags> src/main.ts`),
 * so the bench measures the process users get, V8 flags included.
 */
function startCommandArgs(): string[] {
  const start = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start;
  const [command, ...args] = start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`bench: package.json's start must be "node ...", not ${start}`);
  return args;
}
