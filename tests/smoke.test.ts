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
