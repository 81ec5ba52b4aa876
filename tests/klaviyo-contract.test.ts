/**
 * The Klaviyo facts the gateway keeps as data (klaviyo.operations.ts) against Klaviyo's published
 * OpenAPI document, the local rate limiter, and a check that the simulator's validator really
 * catches invalid requests (so an empty violations list means something).
 */
import { KLAVIYO_OPERATIONS } from '../src/datasources/klaviyo/klaviyo.operations';
import { KlaviyoRateLimiter } from '../src/datasources/klaviyo/klaviyo.rate-limiter';
import { startKlaviyoSimulator, type KlaviyoSimulator } from './support/klaviyo-simulator';
import { loadKlaviyoDocument } from './support/klaviyo-spec';

const document = loadKlaviyoDocument() as { paths: Record<string, Record<string, any>> };

const parseLimit = (value: string | undefined) => (value ? Number(value.split('/')[0]) : undefined);

test.each(Object.entries(KLAVIYO_OPERATIONS))('%s matches the OpenAPI document', (operationId, op) => {
  const spec = document.paths[op.path]?.[op.method.toLowerCase()];
  expect(spec?.operationId).toBe(operationId);
  // `/client/` operations declare `security: []` (no credential); the rest inherit the private key.
  expect(op.auth).toBe(Array.isArray(spec.security) && spec.security.length === 0 ? 'client' : 'private');
  const limit = spec['x-klaviyo-ratelimit'];
  expect(op.limit.burstPerSecond).toBe(parseLimit(limit.burst));
  expect(op.limit.steadyPerMinute).toBe(parseLimit(limit.steady));
  expect('daily' in op.limit ? op.limit.daily : undefined).toBe(parseLimit(limit.daily));
});

test('the rate limiter counts burst and steady windows', () => {
  let now = 0;
  const limiter = new KlaviyoRateLimiter(() => now);
  const limit = { burstPerSecond: 1, steadyPerMinute: 2 };
  expect(limiter.tryTake('a', limit)).toBe(0);
  expect(limiter.tryTake('a', limit)).toBe(1000);
  expect(limiter.tryTake('b', limit)).toBe(0);
  now = 1000;
  expect(limiter.tryTake('a', limit)).toBe(0);
  now = 2000;
  expect(limiter.tryTake('a', limit)).toBe(58_000);
  now = 60_000;
  expect(limiter.tryTake('a', limit)).toBe(0);
});

describe('the simulator rejects what Klaviyo would reject', () => {
  let sim: KlaviyoSimulator;
  beforeAll(async () => {
    sim = await startKlaviyoSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  const call = (path: string, init: RequestInit) => fetch(`${sim.url}${path}`, init);
  const good = { accept: 'application/vnd.api+json', revision: '2026-07-15' };

  test('a missing revision header', async () => {
    await call('/api/lists', {
      headers: { accept: good.accept, authorization: `Klaviyo-API-Key ${sim.privateKey}` },
    });
    expect(sim.violations.join('\n')).toMatch(/revision/);
  });

  test('GET /api/campaigns without its required channel filter', async () => {
    await call('/api/campaigns', {
      headers: { ...good, authorization: `Klaviyo-API-Key ${sim.privateKey}` },
    });
    expect(sim.violations.join('\n')).toMatch(/filter/);
  });

  test('a client call that carries the private key, and a body of the wrong type', async () => {
    await call(`/client/events?company_id=${sim.companyId}`, {
      method: 'POST',
      headers: {
        ...good,
        'content-type': 'application/vnd.api+json',
        authorization: `Klaviyo-API-Key ${sim.privateKey}`,
      },
      body: JSON.stringify({ data: { type: 'not-an-event', attributes: {} } }),
    });
    const text = sim.violations.join('\n');
    expect(text).toMatch(/must not carry an Authorization/);
    expect(text).toMatch(/allowed values|required property/);
  });

  test('an unknown operation', async () => {
    const res = await call('/api/nothing-here', { headers: good });
    expect(res.status).toBe(404);
    expect(sim.violations.join('\n')).toMatch(/no such operation/);
  });
});
