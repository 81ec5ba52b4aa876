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
