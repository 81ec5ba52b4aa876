import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

/**
 * Issue 14, production defaults: with NODE_ENV=production introspection is off unless
 * INTROSPECTION=true (clients generate from the SDL in schema/), and validation errors carry no
 * field suggestions ("Did you mean …?"), which would map the schema anyway.
 */
const INTROSPECTION = `{ __schema { queryType { name } } }`;
const MISSPELLED = `{ viewer { userIdd } }`;

describe.each<[string, Record<string, string>]>([
  ['production', { NODE_ENV: 'production' }],
  ['production with INTROSPECTION=true', { NODE_ENV: 'production', INTROSPECTION: 'true' }],
  ['development', { NODE_ENV: 'development' }],
  ['development with INTROSPECTION=false', { NODE_ENV: 'development', INTROSPECTION: 'false' }],
])('%s', (name, env) => {
  let gw: TestGateway;
  let token: string;
  const production = env.NODE_ENV === 'production';
  const introspection = env.INTROSPECTION ? env.INTROSPECTION === 'true' : !production;

  beforeAll(async () => {
    // The harness sets AUTH_JWT_SECRET, which production requires.
    gw = await startTestGateway(env);
    token = await gw.token(newOrgId(), 'member');
  });
  afterAll(() => gw.close());

  test(`introspection is ${introspection ? 'answered' : 'refused with GRAPHQL_VALIDATION_FAILED'}`, async () => {
    const { status, body } = await gw.graphql(INTROSPECTION, {}, token);
    if (introspection) {
      expect(body.errors).toBeUndefined();
      expect(body.data.__schema.queryType.name).toBe('Query');
    } else {
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    }
    // __typename is not introspection: clients' caches ask for it everywhere.
    const typename = await gw.graphql(`{ viewer { __typename userId } }`, {}, token);
    expect(typename.body.errors).toBeUndefined();
    expect(typename.body.data.viewer.__typename).toBe('Viewer');
  });

  test(`a misspelled field ${production ? 'gets no suggestion' : 'may get a suggestion'}`, async () => {
    const { status, body } = await gw.graphql(MISSPELLED, {}, token);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "userIdd" on type "Viewer"/);
    if (production) expect(body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    else expect(body.errors?.[0]?.message).toMatch(/Did you mean "userId"\?/);
    // An argument or a type is suggested by the same messages.
    const arg = await gw.graphql(
      `{ organization { auditLog(frist: 1) { pageInfo { hasNextPage } } } }`,
      {},
      token,
    );
    expect(arg.body.errors?.[0]?.message).toMatch(/Unknown argument "frist"/);
    if (production) expect(arg.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  test(`over WebSocket a misspelled field ${production ? 'gets no suggestion' : 'may get a suggestion'} either`, async () => {
    const client = createClient({
      url: `${gw.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { token },
      retryAttempts: 0,
    });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { messageEventz { __typename } }` },
          { next: (value) => resolve(value.errors), error: resolve, complete: () => resolve(undefined) },
        );
      });
      const text = JSON.stringify(errors);
      expect(text).toMatch(/Cannot query field \\"messageEventz\\" on type \\"Subscription\\"/);
      if (production) expect(text).not.toMatch(/Did you mean/);
      else expect(text).toMatch(/Did you mean/);
    } finally {
      await client.dispose();
    }
  });

  test('a document with more than 50 directives is QUERY_TOO_COMPLEX (graphql-armor)', async () => {
    const many = `{ viewer { ${'userId @include(if: true) '.repeat(60)} } }`;
    const { status, body } = await gw.graphql(many, {}, token);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const fine = `{ viewer { ${'userId @include(if: true) '.repeat(5)} } }`;
    expect((await gw.graphql(fine, {}, token)).body.errors).toBeUndefined();
  });
});
