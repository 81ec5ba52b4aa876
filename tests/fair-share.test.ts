/**
 * A fair share of each provider's quota (issue 14): one admin credential means every organization
 * draws on one upstream limit. A busy organization must meet the gateway's RATE_LIMITED before it
 * starves the others or makes the provider answer 429.
 */
import pino from 'pino';
import { FairShare, decide } from '../src/services/fair-share';
import { capacityOf } from '../src/services/provider-quota';
import { CUSTOMER_ID, startKustomerSimulator, type KustomerSimulator } from './support/kustomer-simulator';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startOpenAiSimulator } from './support/openai-simulator';
import { startStripeSimulator } from './support/stripe-simulator';
import { stripeBudget } from '../src/datasources/stripe/stripe.client';

const silent = pino({ level: 'silent' });

describe('the split (unit)', () => {
  // A clock the test moves: windows are aligned to it.
  let now = 1_000_000_000_000;
  const fairShare = () => new FairShare({ scale: 1, overrides: {}, now: () => now }, silent);
  const budget = { limit: 20, windowSeconds: 60 }; // 18 handed out (headroom), 2 kept for newcomers

  async function attempts(share: FairShare, org: string, n: number, pool = 'p') {
    let passed = 0;
    for (let i = 0; i < n; i++) {
      try {
        await share.take(pool, budget, org);
        passed += 1;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('RATE_LIMITED');
      }
    }
    return passed;
  }

  test('alone, an organization uses all but the reserve; a newcomer still gets the reserve', async () => {
    now = 1_000_000_000_000 - (1_000_000_000_000 % 60_000);
    const share = fairShare();
    expect(capacityOf(20, 1)).toBe(18);
    expect(await attempts(share, 'a', 30)).toBe(16);
    expect(await attempts(share, 'b', 5)).toBe(2);
  });

  test('organizations active in the last window each keep their share; idle shares are lent', async () => {
    now = 2_000_000_000_000 - (2_000_000_000_000 % 60_000);
    const share = fairShare();
    await attempts(share, 'a', 1);
    await attempts(share, 'b', 1);
    now += 60_000; // a and b were both active: 8 each guaranteed, 2 reserved
    expect(await attempts(share, 'a', 30)).toBe(8);
    expect(await attempts(share, 'b', 30)).toBe(8);
    expect(await attempts(share, 'c', 30)).toBe(2);
    now += 60_000; // only c stays: a and b are still owed their shares for one window
    expect(await attempts(share, 'c', 30)).toBe(6);
    now += 60_000; // everyone but c idle for a window: c borrows everything but the reserve
    expect(await attempts(share, 'c', 30)).toBe(16);
  });

  test('a refusal says when the window turns', async () => {
    now = 3_000_000_000_000 - (3_000_000_000_000 % 60_000) + 45_000;
    const share = fairShare();
    await attempts(share, 'a', 16);
    await expect(share.take('p', budget, 'a')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      extensions: { retryAfterMs: 15_000 },
    });
  });

  test('a charge is settled with what the call really cost (tokens)', async () => {
    now = 4_000_000_000_000 - (4_000_000_000_000 % 60_000);
    const share = fairShare();
    const tokens = { limit: 1000, windowSeconds: 60 }; // 900 handed out, 90 kept
    const charge = await share.take('t', tokens, 'a', 800); // estimated
    await expect(share.take('t', tokens, 'a', 100)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await charge.settle(100); // the answer was short
    await expect(share.take('t', tokens, 'a', 100)).resolves.toBeDefined();
  });

  test('concurrency: an organization holds its share of the slots while another has calls in flight', () => {
    const share = fairShare();
    const a = Array.from({ length: 10 }, () => share.hold('c', 10, 'a'));
    expect(() => share.hold('c', 10, 'a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    a.slice(0, 5).forEach((release) => release());
    // b arrives: its share is 5 of the 10, so a (at its 5) may not take the free slots b is owed.
    const b = [share.hold('c', 10, 'b')];
    expect(() => share.hold('c', 10, 'a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    for (let i = 0; i < 4; i++) b.push(share.hold('c', 10, 'b'));
    expect(() => share.hold('c', 10, 'b')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    [...a, ...b].forEach((release) => release());
    expect(share.hold('c', 10, 'a')).toBeInstanceOf(Function);
  });

  test('the rule: within a share passes while the window has room; borrowing keeps others owed', () => {
    const w = { total: 0, guaranteed: 0, own: 0, activeBefore: 2, wasActive: true };
    expect(decide(18, 1, { ...w, own: 7, total: 7, guaranteed: 7 })).toEqual({ allowed: true, within: 1 });
    expect(decide(18, 1, { ...w, own: 8, total: 8, guaranteed: 8 }).allowed).toBe(false);
    expect(decide(18, 1, { ...w, own: 8, total: 16, guaranteed: 16 }).allowed).toBe(false);
    expect(decide(18, 1, { ...w, own: 0, total: 18, guaranteed: 16 }).allowed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// End to end against the Kustomer simulator, which enforces Kustomer's org-wide limit (across every
// subdomain the one API key reaches) in clock-aligned windows and answers 429 past it.

const LIMIT = 20;
const WINDOW_MS = 4000;
const QUOTA_ENV = {
  PROVIDER_QUOTAS: JSON.stringify({ kustomer: { limit: LIMIT, windowSeconds: WINDOW_MS / 1000 } }),
};
const LOOKUP = `{ organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { customer(id: "${CUSTOMER_ID}") { id } } } } }`;
const CONNECT = `mutation($subdomain: String!) {
  connectIntegration(input: { kustomer: { subdomain: $subdomain } }) { integration { __typename } }
}`;

/** Sleeps until just after the next window starts, so a test's burst falls in one window. */
async function nextWindow(): Promise<void> {
  await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 50));
}

interface Outcome {
  ok: number;
  codes: string[];
  retryAfterMs: number[];
}

async function lookups(
  gateways: TestGateway[],
  token: string,
  n: number,
  parallel: boolean,
): Promise<Outcome> {
  const one = async (i: number) => (await gateways[i % gateways.length]!.graphql(LOOKUP, {}, token)).body;
  const bodies = parallel
    ? await Promise.all(Array.from({ length: n }, (_, i) => one(i)))
    : await Array.from({ length: n }).reduce<Promise<any[]>>(
        async (acc, _, i) => [...(await acc), await one(i)],
        Promise.resolve([]),
      );
  const outcome: Outcome = { ok: 0, codes: [], retryAfterMs: [] };
  for (const body of bodies) {
    const error = body.errors?.[0];
    if (!error) outcome.ok += 1;
    else {
      outcome.codes.push(error.extensions?.code);
      if (error.extensions?.retryAfterMs !== undefined)
        outcome.retryAfterMs.push(error.extensions.retryAfterMs);
    }
  }
  return outcome;
}

async function connectBoth(gateways: TestGateway[], busy: string, quiet: string) {
  for (const gw of gateways) {
    // Each test gateway has its own database: each connects both organizations.
    const a = await gw.graphql(CONNECT, { subdomain: 'acme' }, await gw.token(busy, 'admin'));
    const b = await gw.graphql(CONNECT, { subdomain: 'other' }, await gw.token(quiet, 'admin'));
    expect([a.body.errors, b.body.errors]).toEqual([undefined, undefined]);
  }
}

/**
 * Both organizations were active in the last window; then the busy one floods (in parallel, through
 * every gateway given) and the quiet one makes a few lookups.
 */
async function flood(gateways: TestGateway[], sim: KustomerSimulator) {
  const busy = newOrgId();
  const quiet = newOrgId();
  await connectBoth(gateways, busy, quiet);
  const busyToken = await gateways[0]!.token(busy, 'member');
  const quietToken = await gateways[0]!.token(quiet, 'member');
  await nextWindow();
  sim.reset();
  await lookups(gateways, busyToken, 1, false);
  await lookups(gateways, quietToken, 1, false);
  await nextWindow();
  const flooding = lookups(gateways, busyToken, 40, true);
  const quietOutcome = await lookups(gateways, quietToken, 5, false);
  return { busy: await flooding, quiet: quietOutcome };
}

describe('one organization floods Kustomer while another keeps working (one instance)', () => {
  let sim: KustomerSimulator;
  beforeAll(async () => {
    sim = await startKustomerSimulator({
      subdomains: ['acme', 'other'],
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
    });
  });
  afterAll(() => sim.close());

  test('the busy organization gets RATE_LIMITED with retryAfterMs; the other succeeds; no 429 upstream', async () => {
    const gw = await startTestGateway({
      KUSTOMER_API_KEY: sim.apiKey,
      KUSTOMER_API_BASE_URL: sim.baseUrlTemplate,
      ...QUOTA_ENV,
    });
    try {
      const { busy, quiet } = await flood([gw], sim);
      expect(quiet).toEqual({ ok: 5, codes: [], retryAfterMs: [] });
      expect(busy.ok).toBeGreaterThan(0);
      expect(busy.codes.length).toBeGreaterThan(0);
      expect(new Set(busy.codes)).toEqual(new Set(['RATE_LIMITED']));
      for (const ms of busy.retryAfterMs) expect(ms).toBeGreaterThan(0);
      for (const ms of busy.retryAfterMs) expect(ms).toBeLessThanOrEqual(WINDOW_MS);
      expect(busy.retryAfterMs).toHaveLength(busy.codes.length);
      expect(sim.refused429).toBe(0);
      expect(sim.violations).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  test("without the fair share (PROVIDER_QUOTA_SCALE=0) the same flood trips Kustomer's 429s", async () => {
    const gw = await startTestGateway({
      KUSTOMER_API_KEY: sim.apiKey,
      KUSTOMER_API_BASE_URL: sim.baseUrlTemplate,
      ...QUOTA_ENV,
      PROVIDER_QUOTA_SCALE: '0',
      UPSTREAM_MAX_RETRIES: '0',
    });
    try {
      const { busy, quiet } = await flood([gw], sim);
      expect(sim.refused429).toBeGreaterThan(0);
      expect([...busy.codes, ...quiet.codes]).toContain('UPSTREAM_RATE_LIMITED');
      expect(quiet.ok).toBeLessThan(5);
    } finally {
      await gw.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
(redisUrl ? describe : describe.skip)('two gateway instances share the budget through Redis', () => {
  test("a flood spread over both instances still stays under Kustomer's limit", async () => {
    const sim = await startKustomerSimulator({
      subdomains: ['acme', 'other'],
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
    });
    const env = {
      KUSTOMER_API_KEY: sim.apiKey,
      KUSTOMER_API_BASE_URL: sim.baseUrlTemplate,
      REDIS_URL: redisUrl,
      ...QUOTA_ENV,
    };
    const a = await startTestGateway(env);
    const b = await startTestGateway(env);
    try {
      const { busy, quiet } = await flood([a, b], sim);
      expect(quiet).toEqual({ ok: 5, codes: [], retryAfterMs: [] });
      expect(new Set(busy.codes)).toEqual(new Set(['RATE_LIMITED']));
      // Each instance alone would hand out the whole budget: together that would be 429s.
      expect(busy.ok).toBeLessThanOrEqual(capacityOf(LIMIT, 1));
      expect(sim.refused429).toBe(0);
      expect(sim.violations).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await sim.close();
    }
  });
});

describe("OpenAI: the platform key's tokens per minute", () => {
  test('a completion is charged its estimate before the call and settled with the usage after', async () => {
    const openai = await startOpenAiSimulator();
    // 1,200 tokens a minute: 1,080 handed out. A completion is estimated at its prompt / 4 plus
    // AI_MAX_OUTPUT_TOKENS (500), so two unsettled estimates would not fit one organization's share.
    const gw = await startTestGateway({
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.baseUrl,
      PROVIDER_QUOTAS: JSON.stringify({ openai: { tokensPerMinute: 1200 } }),
    }).catch(async (error: unknown) => {
      await openai.close();
      throw error;
    });
    const org = newOrgId();
    const complete = () =>
      gw.gateway.services.ai.complete({
        organizationId: org,
        conversationId: null,
        requestId: `req-${Math.random().toString(36).slice(2)}`,
        logger: gw.gateway.services.logger,
        messages: [{ role: 'user', content: 'Where is my parcel?' }],
      });
    try {
      // All within one minute.
      if (Date.now() % 60_000 > 45_000)
        await new Promise((r) => setTimeout(r, 61_000 - (Date.now() % 60_000)));
      openai.enqueue({ content: 'Soon.', usage: { prompt_tokens: 20, completion_tokens: 5 } });
      await complete();
      openai.enqueue({ content: 'Tomorrow.', usage: { prompt_tokens: 20, completion_tokens: 5 } });
      await complete(); // passes only because the first estimate was settled down to 25 tokens
      openai.enqueue({ content: 'A long answer.', usage: { prompt_tokens: 600, completion_tokens: 400 } });
      await complete();
      const sent = openai.chatRequests().length;
      await expect(complete()).rejects.toMatchObject({
        code: 'RATE_LIMITED',
        extensions: { retryAfterMs: expect.any(Number) },
      });
      expect(openai.chatRequests()).toHaveLength(sent); // refused before OpenAI saw it
      expect(openai.violations).toEqual([]);
    } finally {
      await gw.close();
      await openai.close();
    }
  });
});

describe("Stripe: the platform account's global rate", () => {
  test('sandbox keys get 25/s, live keys 100/s; meter events their own 1000/s', () => {
    expect(stripeBudget('sk_test_abc', 'key')).toEqual({ limit: 25, windowSeconds: 1 });
    expect(stripeBudget('sk_live_abc', 'key')).toEqual({ limit: 100, windowSeconds: 1 });
    expect(stripeBudget('rk_live_abc', 'meter-events')).toEqual({ limit: 1000, windowSeconds: 1 });
    expect(stripeBudget('sk_test_abc', 'key', { limit: 10, windowSeconds: 5 })).toEqual({
      limit: 10,
      windowSeconds: 5,
    });
  });

  test('one organization opening portal after portal is refused while another still gets through', async () => {
    const stripe = await startStripeSimulator();
    const WINDOW = 10_000;
    const gw = await startTestGateway({
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_simulated_0001',
      STRIPE_WEBHOOK_SECRET: 'whsec_fair_share_test_secret',
      STRIPE_API_BASE_URL: stripe.baseUrl,
      // 10 calls per 10 s: 9 handed out, 1 kept for newcomers.
      PROVIDER_QUOTAS: JSON.stringify({ stripe: { limit: 10, windowSeconds: WINDOW / 1000 } }),
    }).catch(async (error: unknown) => {
      await stripe.close();
      throw error;
    });
    const PORTAL = `mutation { openBillingPortal { url } }`;
    try {
      const busy = await gw.token(newOrgId(), 'admin');
      const quiet = await gw.token(newOrgId(), 'admin');
      await new Promise((r) => setTimeout(r, WINDOW - (Date.now() % WINDOW) + 50));
      // Both become customers (2 calls each) in one window: both are active in the next.
      for (const token of [busy, quiet])
        expect((await gw.graphql(PORTAL, {}, token)).body.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, WINDOW - (Date.now() % WINDOW) + 50));
      // The busy organization's burst, at once (a slow machine would otherwise spread it over windows).
      const bodies = await Promise.all(
        Array.from({ length: 8 }, async () => (await gw.graphql(PORTAL, {}, busy)).body),
      );
      const codes = bodies.flatMap((body) => (body.errors ? [String(body.errors[0]?.extensions?.code)] : []));
      // Two organizations active: 4 calls each guaranteed of the 9 (one kept for a newcomer).
      expect(codes.length).toBeGreaterThanOrEqual(4);
      expect(new Set(codes)).toEqual(new Set(['RATE_LIMITED']));
      for (let i = 0; i < 2; i++) expect((await gw.graphql(PORTAL, {}, quiet)).body.errors).toBeUndefined();
    } finally {
      await gw.close();
      await stripe.close();
    }
  });
});
