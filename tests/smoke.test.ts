import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

test('viewer answers with the token claims', async () => {
  const org = newOrgId();
  const token = await gw.token(org, 'admin', 'alice');
  const { body } = await gw.graphql('{ viewer { userId role organization { id } } }', {}, token);
  expect(body.errors).toBeUndefined();
  expect(body.data.viewer).toEqual({ userId: 'alice', role: 'ADMIN', organization: { id: org } });
});

test('every response carries a request id; a caller-supplied one is kept when well-formed', async () => {
  const res = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
  expect(res.headers.get('x-request-id')).toBe('abc-123');
  const generated = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('malformed, oversized and misrouted requests get JSON errors with a code and no stack trace', async () => {
  const bad = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{bad json',
  });
  expect(bad.status).toBe(400);
  const badBody = await bad.text();
  expect(JSON.parse(badBody).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(badBody).not.toMatch(/at |node_modules|SyntaxError/);

  const big = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ viewer { userId } } # ${'x'.repeat(2_000_000)}` }),
  });
  expect(big.status).toBe(413);
  expect(((await big.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');

  const missing = await fetch(`${gw.url}/no-such-route`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
});
