import pino from 'pino';
import { GatewayError } from '../../src/errors/gateway-error';
import { ProviderHttpClient, type UpstreamRequest } from '../../src/http/provider-http';
import { parseRetryAfter, fullJitterDelay } from '../../src/http/backoff';
import { UpstreamFailure } from '../../src/http/upstream-failure';
import { startFakeUpstream } from '../support/fake-upstream';

const logger = pino({ level: 'silent' });
let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
let client: ProviderHttpClient;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  client = new ProviderHttpClient(
    {
      timeoutMs: 1500,
      maxRetries: 2,
      backoffBaseMs: 5,
      backoffCapMs: 20,
      breakerFailures: 3,
      breakerHalfOpenAfterMs: 60_000,
    },
    logger,
  );
});
afterEach(async () => {
  await client.close();
  await upstream.close();
});

const call = (overrides: Partial<UpstreamRequest> = {}) =>
  client.request({
    provider: 'test',
    providerName: 'TestProvider',
    accountKey: 'acct',
    method: 'GET',
    url: `${upstream.url}/thing`,
    ...overrides,
  });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return (error as GatewayError).code;
  }
  throw new Error('expected a failure');
}

test('parses JSON and returns status', async () => {
  upstream.enqueue({ status: 200, body: { hello: 'world' } });
  const res = await call();
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ hello: 'world' });
});

test('retries an idempotent call after a 503 and succeeds', async () => {
  upstream.enqueue({ status: 503, body: { error: 'down' } }, { status: 200, body: { ok: 1 } });
  const res = await call();
  expect(res.body).toEqual({ ok: 1 });
  expect(upstream.requests).toHaveLength(2);
});

test('never retries a non-idempotent write after a 5xx', async () => {
  upstream.enqueue({ status: 502, body: {} });
  expect(await codeOf(call({ method: 'POST', body: '{}' }))).toBe('UPSTREAM_UNAVAILABLE');
  expect(upstream.requests).toHaveLength(1);
});

test('honours Retry-After on 429, also for writes, and gives up with UPSTREAM_RATE_LIMITED', async () => {
  upstream.enqueue({ status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: { ok: 1 } });
  await expect(call({ method: 'POST', body: '{}' })).resolves.toMatchObject({ status: 200 });
  expect(upstream.requests).toHaveLength(2);

  upstream.enqueue({ status: 429, headers: { 'retry-after': '0' } }, { status: 429 }, { status: 429 });
  expect(await codeOf(call())).toBe('UPSTREAM_RATE_LIMITED');
});

test('a Retry-After beyond the deadline fails at once instead of waiting', async () => {
  upstream.enqueue({ status: 429, headers: { 'retry-after': '30' } });
  const started = Date.now();
  expect(await codeOf(call())).toBe('UPSTREAM_RATE_LIMITED');
  expect(Date.now() - started).toBeLessThan(1000);
  expect(upstream.requests).toHaveLength(1);
});

test('401 maps to UPSTREAM_AUTH_FAILED, reports the auth failure, is not retried, and hides the body', async () => {
  upstream.enqueue({ status: 401, body: { errors: 'secret-upstream-detail shpat_abc' } });
  const health = {
    authFailed: jest.fn(async () => undefined),
    authSucceeded: jest.fn(async () => undefined),
  };
  const error = (await call({ health }).catch((e: unknown) => e)) as GatewayError;
  expect(error.code).toBe('UPSTREAM_AUTH_FAILED');
  expect(error.message).not.toMatch(/secret-upstream-detail|shpat_abc/);
  expect(health.authFailed).toHaveBeenCalledTimes(1);
  expect(health.authSucceeded).not.toHaveBeenCalled();
  expect(upstream.requests).toHaveLength(1);
});

test('an accepted call reports that the credentials work', async () => {
  upstream.enqueue({ status: 200, body: {} });
  const health = {
    authFailed: jest.fn(async () => undefined),
    authSucceeded: jest.fn(async () => undefined),
  };
  await call({ health });
  expect(health.authSucceeded).toHaveBeenCalledTimes(1);
  expect(health.authFailed).not.toHaveBeenCalled();
});

test('404 maps to NOT_FOUND and other 4xx to UPSTREAM_ERROR', async () => {
  upstream.enqueue({ status: 404 }, { status: 422 });
  expect(await codeOf(call())).toBe('NOT_FOUND');
  expect(await codeOf(call())).toBe('UPSTREAM_ERROR');
});

test('a slow provider times out within the deadline as UPSTREAM_UNAVAILABLE', async () => {
  upstream.enqueue({ delayMs: 3000 }, { delayMs: 3000 }, { delayMs: 3000 });
  const started = Date.now();
  expect(await codeOf(call({ timeoutMs: 300 }))).toBe('UPSTREAM_UNAVAILABLE');
  expect(Date.now() - started).toBeLessThan(1500);
});

test('the circuit opens per account after consecutive failures, and other accounts still pass', async () => {
  for (let i = 0; i < 3; i++) {
    upstream.enqueue({ status: 500 });
    expect(await codeOf(call({ method: 'POST', accountKey: 'sick' }))).toBe('UPSTREAM_UNAVAILABLE');
  }
  const before = upstream.requests.length;
  const error = (await call({ accountKey: 'sick' }).catch((e: unknown) => e)) as GatewayError;
  expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(error.message).toMatch(/paused/);
  expect(upstream.requests.length).toBe(before);
  await expect(call({ accountKey: 'healthy' })).resolves.toMatchObject({ status: 200 });
});

test('an inspect hook can turn a 200 into a retryable rate limit', async () => {
  upstream.enqueue({ status: 200, body: { throttled: true } }, { status: 200, body: { throttled: false } });
  const res = await call({
    method: 'POST',
    idempotent: true,
    inspect: (r) => {
      if ((r.body as { throttled: boolean }).throttled) {
        throw new UpstreamFailure('UPSTREAM_RATE_LIMITED', 200, 'throttled', 1);
      }
    },
  });
  expect(res.body).toEqual({ throttled: false });
});

test('backoff helpers', () => {
  expect(parseRetryAfter('2')).toBe(2000);
  expect(parseRetryAfter(undefined)).toBeUndefined();
  expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
  expect(fullJitterDelay(3, 100, 500, () => 0.999)).toBeLessThanOrEqual(500);
  expect(fullJitterDelay(0, 100, 500, () => 0.5)).toBe(50);
});

test('after the pause one trial call goes through: success closes the circuit, failure opens it again', async () => {
  const quick = new ProviderHttpClient(
    { timeoutMs: 1500, maxRetries: 0, breakerFailures: 2, breakerHalfOpenAfterMs: 50 },
    logger,
  );
  const req = {
    provider: 'test',
    providerName: 'TestProvider',
    accountKey: 'flaky',
    method: 'GET' as const,
    url: `${upstream.url}/x`,
  };
  try {
    upstream.enqueue({ status: 503 }, { status: 503 });
    for (let i = 0; i < 2; i++) await quick.request(req).catch(() => undefined);
    const calls = upstream.requests.length;
    await expect(quick.request(req)).rejects.toThrow(/paused/);
    expect(upstream.requests.length).toBe(calls);

    await new Promise((r) => setTimeout(r, 60));
    upstream.enqueue({ status: 503 });
    await expect(quick.request(req)).rejects.toThrow(/did not answer in time or is unavailable/);
    // The failed trial opened it again at once.
    await expect(quick.request(req)).rejects.toThrow(/paused/);

    await new Promise((r) => setTimeout(r, 60));
    await expect(quick.request(req)).resolves.toMatchObject({ status: 200 });
    await expect(quick.request(req)).resolves.toMatchObject({ status: 200 });
  } finally {
    await quick.close();
  }
});
