import pino from 'pino';
import { ProviderClient, type ProviderCall } from '../../src/datasources/provider-client';
import type { IntegrationHealth } from '../../src/datasources/types';
import { GatewayError } from '../../src/errors/gateway-error';
import { ProviderHttpClient, type UpstreamResponse } from '../../src/http/provider-http';
import { startFakeUpstream } from '../support/fake-upstream';

/** A provider that states only its wire facts, like the real ones. */
class TestClient extends ProviderClient {
  gates: string[] = [];
  seen: number[] = [];
  constructor(http: ProviderHttpClient, baseUrl: string, health: IntegrationHealth, logger: pino.Logger) {
    super({ http, provider: 'kustomer', providerName: 'Test', accountKey: 'acct', baseUrl, health, logger });
  }
  token = 'secret-1';
  protected override authHeaders() {
    return { authorization: `Bearer ${this.token}` };
  }
  protected override beforeCall(call: ProviderCall) {
    this.gates.push(`${call.method} ${call.path}`);
  }
  protected override afterCall(response: UpstreamResponse) {
    this.seen.push(response.status);
  }
}

let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
let http: ProviderHttpClient;
let lines: Array<Record<string, unknown>>;
let health: { authFailed: jest.Mock; authSucceeded: jest.Mock };
let client: TestClient;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  lines = [];
  const silent = pino({ level: 'silent' });
  http = new ProviderHttpClient(
    { timeoutMs: 2000, maxRetries: 2, backoffBaseMs: 1, backoffCapMs: 5 },
    silent,
  );
  // The request's logger, as a data source receives it: every line carries the request id.
  const requestLogger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  ).child({ requestId: 'req-42' });
  health = {
    authFailed: jest.fn(async () => undefined),
    authSucceeded: jest.fn(async () => undefined),
  };
  client = new TestClient(http, upstream.url, health, requestLogger);
});
afterEach(async () => {
  await http.close();
  await upstream.close();
});

test('two identical GETs in flight at once make one upstream request and share its answer', async () => {
  upstream.enqueue({ status: 200, body: { n: 1 }, delayMs: 50 });
  const [a, b] = await Promise.all([
    client.get('/things', { query: { page: 2, size: 10 } }),
    client.get('/things', { query: { page: 2, size: 10, absent: undefined } }),
  ]);
  expect(a).toEqual({ n: 1 });
  expect(b).toBe(a);
  expect(upstream.requests.map((r) => r.url)).toEqual(['/things?page=2&size=10']);
  // One upstream call passes the rate gate once.
  expect(client.gates).toEqual(['GET /things']);
});

test('different queries, different credentials, writes and later calls are not shared', async () => {
  upstream.enqueue({ delayMs: 30 }, { delayMs: 30 });
  await Promise.all([client.get('/a', { query: { q: 'x' } }), client.get('/a', { query: { q: 'y' } })]);
  expect(upstream.requests.map((r) => r.url)).toEqual(['/a?q=x', '/a?q=y']);

  upstream.requests.length = 0;
  const first = client.get('/b');
  client.token = 'secret-2';
  await Promise.all([first, client.get('/b')]);
  expect(upstream.requests.map((r) => r.headers.authorization)).toEqual([
    'Bearer secret-1',
    'Bearer secret-2',
  ]);

  upstream.requests.length = 0;
  await Promise.all([client.post('/c', { body: { x: 1 } }), client.post('/c', { body: { x: 1 } })]);
  await client.get('/b');
  expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /c', 'POST /c', 'GET /b']);
  expect(upstream.requests[0]).toMatchObject({
    body: '{"x":1}',
    headers: expect.objectContaining({ 'content-type': 'application/json', accept: 'application/json' }),
  });
});

test("a retry's log line carries the request id of the request that made the call", async () => {
  upstream.enqueue({ status: 503 }, { status: 200, body: { ok: true } });
  await expect(client.get('/flaky')).resolves.toEqual({ ok: true });
  const retry = lines.find((l) => l.msg === 'retrying provider call');
  expect(retry).toMatchObject({ requestId: 'req-42', provider: 'kustomer', status: 503 });
  // The rate gate saw the call once; the answer hook saw the 2xx.
  expect(client.gates).toEqual(['GET /flaky']);
  expect(client.seen).toEqual([200]);
});

test('health: an accepted call is reported; refused credentials are reported and fail the call', async () => {
  await client.get('/ok');
  expect(health.authSucceeded).toHaveBeenCalledTimes(1);
  upstream.enqueue({ status: 401, body: { error: 'bad key' } });
  await expect(client.get('/denied')).rejects.toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
  expect(health.authFailed).toHaveBeenCalledWith(expect.stringMatching(/Test rejected/));
  expect(lines.find((l) => l.msg === 'provider call failed')).toMatchObject({ requestId: 'req-42' });
});

test('a shared call that fails fails every caller, and the next call is made afresh', async () => {
  upstream.enqueue({ status: 404, delayMs: 30 }, { status: 200, body: { back: true } });
  const results = await Promise.allSettled([client.get('/gone'), client.get('/gone')]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(GatewayError);
  await expect(client.get('/gone')).resolves.toEqual({ back: true });
  expect(upstream.requests).toHaveLength(2);
});
