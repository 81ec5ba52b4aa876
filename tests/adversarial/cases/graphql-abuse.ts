/** GraphQL abuse: documents built to exhaust the gateway, and requests built to slip past its checks. */
import { defineCategory } from '../support/catalogue';
import { expectCode, expectNoLeak, type GraphQLAnswer } from '../support/checks';
import { sharedWorld, type World } from '../support/world';

async function post(
  w: World,
  body: string,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer & { text: string }> {
  const res = await fetch(`${w.gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: any = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  expectNoLeak(text, 'the answer');
  return { status: res.status, body: parsed, text };
}

/** orders → customer → orders → … `levels` times, under Shopify's integration. */
const nest = (levels: number) => {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `customer { orders(first: 1) { ${inner} } }`;
  return `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 1) { edges { node { ${inner} } } } } } } }`;
};

export const graphqlCases = defineCategory<World>({
  category: 'GraphQL abuse',
  setup: () => sharedWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'a query nested 40 levels deep (lists of one item)',
      expected: 'QUERY_TOO_COMPLEX before any provider call',
      async run(w) {
        const org = await w.org();
        const before = w.shopify.graphqlCalls();
        expectCode(await w.gw.graphql(nest(20), {}, org.member), 'QUERY_TOO_COMPLEX', { status: 400 });
        expect(w.shopify.graphqlCalls()).toBe(before);
      },
    },
    {
      name: '500 aliases of one field',
      expected: 'QUERY_TOO_COMPLEX',
      async run(w) {
        const org = await w.org();
        const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: viewer { userId }`).join(' ');
        expectCode(await w.gw.graphql(`{ ${aliases} }`, {}, org.member), 'QUERY_TOO_COMPLEX');
      },
    },
    {
      name: 'fragments that spread each other (a cycle)',
      expected: 'GRAPHQL_VALIDATION_FAILED, HTTP 400',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(
          `query { viewer { ...A } } fragment A on Viewer { organization { id } ...B } fragment B on Viewer { ...A }`,
          {},
          org.member,
        );
        expectCode(res, 'GRAPHQL_VALIDATION_FAILED', { status: 400 });
      },
    },
    {
      name: 'a batch of 100 operations in one JSON array',
      expected: 'HTTP 400, nothing executed',
      async run(w) {
        const org = await w.org();
        const batch = JSON.stringify(
          Array.from({ length: 100 }, () => ({
            query: 'mutation { disconnectIntegration(provider: SHOPIFY) { errorCode } }',
          })),
        );
        const res = await post(w, batch, { authorization: `Bearer ${org.admin}` });
        expect(res.status).toBe(400);
        expect(await w.gw.db('audit_log').where({ organization_id: org.id })).toHaveLength(0);
      },
    },
    {
      name: 'a 2 MB request body',
      expected: 'HTTP 413, no stack',
      async run(w) {
        const org = await w.org();
        const res = await post(
          w,
          JSON.stringify({ query: `{ viewer { userId } }`, variables: { pad: 'x'.repeat(2_000_000) } }),
          {
            authorization: `Bearer ${org.member}`,
          },
        );
        expect(res.status).toBe(413);
      },
    },
    {
      name: 'malformed JSON',
      expected: 'HTTP 400, no parser internals',
      async run(w) {
        const res = await post(w, '{"query": "{ viewer { userId } }", ');
        expect(res.status).toBe(400);
        expect(res.text).not.toMatch(/SyntaxError|JSON\.parse|at position/);
      },
    },
    {
      name: 'a mutation sent as GET (link or image tag)',
      expected: 'HTTP 400/405, not executed',
      async run(w) {
        const org = await w.org();
        const q = encodeURIComponent('mutation { disconnectIntegration(provider: SHOPIFY) { errorCode } }');
        const res = await fetch(`${w.gw.url}/graphql?query=${q}`, {
          headers: { authorization: `Bearer ${org.admin}`, 'apollo-require-preflight': 'true' },
        });
        expect([400, 405]).toContain(res.status);
        expectNoLeak(await res.text(), 'the answer');
        expect(await w.gw.db('audit_log').where({ organization_id: org.id })).toHaveLength(0);
      },
    },
    {
      name: 'a cross-site form post (text/plain, no preflight)',
      expected: 'HTTP 400 (CSRF prevention)',
      async run(w) {
        const org = await w.org();
        const res = await post(
          w,
          JSON.stringify({ query: 'mutation { disconnectIntegration(provider: SHOPIFY) { errorCode } }' }),
          { 'content-type': 'text/plain', authorization: `Bearer ${org.admin}` },
        );
        expect(res.status).toBe(400);
        expect(await w.gw.db('audit_log').where({ organization_id: org.id })).toHaveLength(0);
      },
    },
    {
      name: 'a variable of the wrong type (object for Int)',
      expected: 'BAD_USER_INPUT, HTTP 400',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(
          `query($n: Int) { organization { auditLog(first: $n) { edges { cursor } } } }`,
          { n: { $gt: 0 } },
          org.member,
        );
        expectCode(res, 'BAD_USER_INPUT', { status: 400 });
      },
    },
    {
      name: 'an Int literal beyond 32 bits',
      expected: 'GRAPHQL_VALIDATION_FAILED',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(
          `{ organization { auditLog(first: 99999999999) { edges { cursor } } } }`,
          {},
          org.member,
        );
        expectCode(res, 'GRAPHQL_VALIDATION_FAILED', { status: 400 });
      },
    },
    {
      name: 'an operationName that names no operation',
      expected: 'OPERATION_RESOLUTION_FAILURE, HTTP 400',
      async run(w) {
        const org = await w.org();
        const res = await post(
          w,
          JSON.stringify({ query: 'query A { viewer { userId } }', operationName: 'B' }),
          {
            authorization: `Bearer ${org.member}`,
          },
        );
        expectCode(res, 'OPERATION_RESOLUTION_FAILURE', { status: 400 });
      },
    },
    {
      name: 'one field with 200 @include directives',
      expected: 'QUERY_TOO_COMPLEX (directive limit)',
      async run(w) {
        const org = await w.org();
        const directives = Array.from({ length: 200 }, () => '@include(if: true)').join(' ');
        expectCode(
          await w.gw.graphql(`{ viewer { userId ${directives} } }`, {}, org.member),
          'QUERY_TOO_COMPLEX',
        );
      },
    },
    {
      name: 'a query with no operation at all (only a fragment)',
      expected: 'HTTP 400',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql('fragment F on Viewer { userId }', {}, org.member);
        expect(res.status).toBe(400);
        expectNoLeak(JSON.stringify(res.body), 'the answer');
      },
    },
  ],
});
