/**
 * The HTTP client's last check: whatever a data source forgot to validate, a control character in
 * the URL (as such or percent-encoded), a `..` path segment or a NUL in a JSON body never leaves.
 */
import pino from 'pino';
import { GatewayError } from '../../src/errors/gateway-error';
import { ProviderHttpClient, type UpstreamRequest } from '../../src/http/provider-http';
import { startFakeUpstream } from '../support/fake-upstream';

let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
let client: ProviderHttpClient;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  client = new ProviderHttpClient({ timeoutMs: 1500, maxRetries: 0 }, pino({ level: 'silent' }));
});
afterAll(async () => {
  await client.close();
  await upstream.close();
});

const call = (overrides: Partial<UpstreamRequest>) =>
  client.request({
    provider: 'test',
    providerName: 'TestProvider',
    accountKey: 'acct',
    method: 'GET',
    url: `${upstream.url}/thing`,
    ...overrides,
  });

test.each([
  ['a percent-encoded NUL in the path', { url: `/v1/customers/email=${encodeURIComponent('a\u0000@b.c')}` }],
  ['a percent-encoded line feed in the query', { url: `/v1/x?filter=${encodeURIComponent('a\nb')}` }],
  ['a C1 control, UTF-8 encoded', { url: `/v1/x?q=${encodeURIComponent('a\u0085b')}` }],
  ['a dot-dot segment', { url: '/api/lists/../accounts' }],
  ['an encoded dot-dot segment', { url: '/api/lists/%2E%2E' }],
  [
    'a NUL in a JSON body',
    { url: '/v1/notes', method: 'POST' as const, body: JSON.stringify({ body: 'a\u0000' }) },
  ],
])('refuses %s without sending it', async (_name, { url, ...rest }) => {
  const before = upstream.requests.length;
  const error = await call({ url: `${upstream.url}${url}`, ...rest }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
  expect(upstream.requests.length).toBe(before);
});

test('sends ordinary encoded values, escaped backslashes and line breaks in bodies', async () => {
  const before = upstream.requests.length;
  await call({ url: `${upstream.url}/v1/customers/email=${encodeURIComponent('a+b%c@x.com')}?q=%25001` });
  await call({
    url: `${upstream.url}/v1/notes`,
    method: 'POST',
    // The text "\u0000" typed by a person is an escaped backslash followed by "u0000": not a NUL.
    body: JSON.stringify({ body: 'line 1\nline 2\t\\u0000 literally' }),
  });
  expect(upstream.requests.length).toBe(before + 2);
});
