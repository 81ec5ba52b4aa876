/**
 * One gateway shared by the categories that need no special configuration: every provider
 * configured, Shopify against its simulator, Kustomer against a fake upstream that answers what a
 * case queues, webhooks signed with known secrets, and every log line captured so a case can check
 * what the gateway wrote as well as what it answered.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../src/config/config';
import { configuredSecrets, createLogger } from '../../../src/observability/logger';
import { startFakeUpstream } from '../../support/fake-upstream';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  newOrgId,
  startTestGateway,
  TEST_JWT_SECRET,
  type TestGateway,
} from '../../support/harness';
import { startShopifySimulator, type ShopifySimulator } from '../../support/shopify-simulator';

export const SHOPIFY_TOKEN = 'shpat_adversarial_0123456789abcdef';
export const SHOPIFY_WEBHOOK_SECRET = 'shopify-webhook-secret-adversarial-0123';
export const MESSENGER_APP_SECRET = 'messenger-app-secret-adversarial-0123';
export const KUSTOMER_KEY = 'kustomer-admin-key-adversarial-0123456789';
export const STRIPE_WEBHOOK_SECRET = 'whsec_adversarial_0123456789abcdef';

/** Values that must never appear in an answer or a log line. */
export const SECRETS = [
  TEST_JWT_SECRET,
  SHOPIFY_TOKEN,
  SHOPIFY_WEBHOOK_SECRET,
  MESSENGER_APP_SECRET,
  KUSTOMER_KEY,
  STRIPE_WEBHOOK_SECRET,
  PROVIDERS_CONFIGURED_OFFLINE.TWILIO_AUTH_TOKEN,
  PROVIDERS_CONFIGURED_OFFLINE.MESSENGER_PAGE_ACCESS_TOKEN,
];

export type FakeUpstream = Awaited<ReturnType<typeof startFakeUpstream>>;

export interface Org {
  id: string;
  admin: string;
  member: string;
}

export interface World {
  gw: TestGateway;
  shopify: ShopifySimulator;
  kustomer: FakeUpstream;
  logs: string[];
  /** A fresh organization with an admin's and a member's token. */
  org(): Promise<Org>;
  platformAdmin(): Promise<string>;
  /** Log lines written since `mark` (the length of `logs` when the case started). */
  logsSince(mark: number): string;
}

export async function startWorld(
  env: Record<string, string> = {},
  options: { logLevel?: string } = {},
): Promise<World & { close(): Promise<void> }> {
  const shopify = await startShopifySimulator({ accessToken: SHOPIFY_TOKEN });
  const kustomer = await startFakeUpstream({ status: 404, body: { errors: [{ status: 404 }] } });
  const logs: string[] = [];
  const capture = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const fullEnv: Record<string, string> = {
    ...PROVIDERS_CONFIGURED_OFFLINE,
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
    SHOPIFY_WEBHOOK_SECRET,
    MESSENGER_APP_SECRET,
    KUSTOMER_API_KEY: KUSTOMER_KEY,
    KUSTOMER_API_BASE_URL: `${kustomer.url}/{subdomain}`,
    STRIPE_WEBHOOK_SECRET,
    UPSTREAM_TIMEOUT_MS: '700',
    UPSTREAM_MAX_RETRIES: '1',
    JOBS_POLL_INTERVAL_MS: '50',
    JOBS_BACKOFF_BASE_MS: '20',
    JOBS_MAX_ATTEMPTS: '2',
    ...env,
  };
  const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...fullEnv });
  const gw = await startTestGateway(
    fullEnv,
    // The logger src/main.ts builds, writing into `logs`.
    { logger: createLogger(options.logLevel ?? 'info', capture, { secrets: configuredSecrets(config) }) },
  );
  return {
    gw,
    shopify,
    kustomer,
    logs,
    async org() {
      const id = newOrgId();
      return { id, admin: await gw.token(id, 'admin'), member: await gw.token(id, 'member') };
    },
    platformAdmin: () => gw.token(newOrgId(), 'platform_admin', `platform-${randomUUID().slice(0, 6)}`),
    logsSince: (mark) => logs.slice(mark).join(''),
    async close() {
      await gw.close();
      await shopify.close();
      await kustomer.close();
    },
  };
}

let shared: ReturnType<typeof startWorld> | undefined;

/** The one world the ordinary categories share (started by the first, closed by the runner). */
export function sharedWorld(): ReturnType<typeof startWorld> {
  shared ??= startWorld();
  return shared;
}

export async function closeSharedWorld(): Promise<void> {
  const world = shared;
  shared = undefined;
  if (world) await (await world).close();
}
