/**
 * Limits as production runs them: the fan-out cost model (refused before any upstream call), the
 * per-organization budgets, the fair share of a provider's quota, and production's GraphQL defaults
 * (no introspection, no field suggestions).
 */
import { defineCategory } from '../support/catalogue';
import { expectCode, sleep } from '../support/checks';
import {
  KUSTOMER_QUOTA,
  KUSTOMER_WINDOW_SECONDS,
  MUTATIONS_PER_MINUTE,
  productionWorld,
  type ProductionWorld,
} from '../support/production-world';

const SHOP = (inner: string) =>
  `query($n: Int) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${inner} } } } }`;
const CONNECT = `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { errorCode } }`;

async function shopOrg(w: ProductionWorld, store: string) {
  const org = await w.org();
  const { body } = await w.gw.graphql(CONNECT, { input: { shopify: { storeName: store } } }, org.admin);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return org;
}

export const limitsCases = defineCategory<ProductionWorld>({
  category: 'limits and production defaults',
  setup: () => productionWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'introspection in production',
      expected: 'GRAPHQL_VALIDATION_FAILED, HTTP 400',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(`{ __schema { types { name fields { name } } } }`, {}, org.member);
        expectCode(res, 'GRAPHQL_VALIDATION_FAILED', { status: 400 });
        expect(JSON.stringify(res.body)).not.toMatch(/ShopifyIntegration|connectIntegration/);
      },
    },
    {
      name: 'a misspelled field in production (schema probing)',
      expected: 'GRAPHQL_VALIDATION_FAILED without "Did you mean"',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(
          `{ organization { integrationz { __typename } auditLo { edges { cursor } } } }`,
          {},
          org.member,
        );
        expectCode(res, 'GRAPHQL_VALIDATION_FAILED', { status: 400 });
        expect(JSON.stringify(res.body)).not.toMatch(/Did you mean|integrations|auditLog/);
      },
    },
    {
      name: "the issue's five-level fan-out (orders → customer → orders …) at page size 100",
      expected: 'QUERY_TOO_COMPLEX before any Shopify call',
      async run(w) {
        const org = await shopOrg(w, 'fanout-store');
        const before = w.shopify.graphqlCalls();
        const inner = 'customer { orders(first: $n) { customer { orders(first: $n) { customer { id } } } } }';
        const res = await w.gw.graphql(
          SHOP(`orders(first: $n) { edges { node { ${inner} } } }`),
          { n: 100 },
          org.member,
        );
        expectCode(res, 'QUERY_TOO_COMPLEX', { status: 400 });
        expect(w.shopify.graphqlCalls()).toBe(before);
      },
    },
    {
      name: 'fan-out hidden behind a fragment and a variable default',
      expected: 'QUERY_TOO_COMPLEX before any call',
      async run(w) {
        const org = await shopOrg(w, 'fanout-fragment');
        const before = w.shopify.graphqlCalls();
        const query = `query($n: Int = 100) { organization { integration(provider: SHOPIFY) { ...S } } }
          fragment S on ShopifyIntegration { customers(first: $n) { edges { node { ...C } } } }
          fragment C on ShopifyCustomer { orders(first: $n) { lineItems { title } customer { orders(first: $n) { id } } } }`;
        expectCode(await w.gw.graphql(query, {}, org.member), 'QUERY_TOO_COMPLEX');
        expect(w.shopify.graphqlCalls()).toBe(before);
      },
    },
    {
      name: `the ${MUTATIONS_PER_MINUTE + 1}th mutation in a minute; another organization meanwhile`,
      expected: 'RATE_LIMITED with retryAfterMs, audited DENIED; the other unaffected',
      async run(w) {
        const [busy, quiet] = [await w.org(), await w.org()];
        const mutate = (token: string) =>
          w.gw.graphql(`mutation { disconnectIntegration(provider: KLAVIYO) { errorCode } }`, {}, token);
        for (let i = 0; i < MUTATIONS_PER_MINUTE; i++)
          expect((await mutate(busy.admin)).body.errors).toBeUndefined();
        const refused = await mutate(busy.admin);
        expectCode(refused, 'RATE_LIMITED');
        expect(refused.body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
        const rows = await w.gw
          .db('audit_log')
          .where({ organization_id: busy.id, error_code: 'RATE_LIMITED' });
        expect(rows).toHaveLength(1);
        expect(rows[0].outcome).toBe('denied');
        expect((await mutate(quiet.admin)).body.errors).toBeUndefined();
      },
    },
    {
      name: 'an organization exhausting its Shopify budget with allowed queries',
      expected: 'RATE_LIMITED before the call that would exceed it',
      async run(w) {
        const org = await shopOrg(w, 'budget-store');
        const query = SHOP('orders(first: $n) { edges { node { customer { orders(first: $n) { id } } } } }');
        let refused;
        for (let i = 0; i < 40 && !refused; i++) {
          const before = w.shopify.graphqlCalls('budget-store');
          const res = await w.gw.graphql(query, { n: 5 }, org.member);
          if (res.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED') {
            refused = res;
            expect(w.shopify.graphqlCalls('budget-store')).toBe(before);
          } else expect(res.body.errors).toBeUndefined();
        }
        expect(refused).toBeDefined();
        expectCode(refused!, 'RATE_LIMITED');
      },
    },
    {
      name: 'one organization floods Kustomer (a quota shared by all) while another looks up',
      expected: 'RATE_LIMITED for the flood, the other answered, Kustomer never over its limit',
      async run(w) {
        const [busy, quiet] = [await w.org(), await w.org()];
        await w.gw.graphql(CONNECT, { input: { kustomer: { subdomain: 'flood-co' } } }, busy.admin);
        await w.gw.graphql(CONNECT, { input: { kustomer: { subdomain: 'quiet-co' } } }, quiet.admin);
        const lookup = (token: string, i: number) =>
          w.gw.graphql(
            `query($id: ID) { organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { customer(id: $id) { id } } } } }`,
            { id: `5f3c9a1b2c4d5e6f7a8b${String(1000 + i)}` },
            token,
          );
        // The flood and the check in one of the clock-aligned windows.
        const windowMs = KUSTOMER_WINDOW_SECONDS * 1000;
        const left = windowMs - (Date.now() % windowMs);
        if (left < 4000) await sleep(left + 50);
        const before = w.kustomer.requests.length;
        const flood = await Promise.all(
          Array.from({ length: KUSTOMER_QUOTA * 2 }, (_, i) => lookup(busy.member, i)),
        );
        const codes = flood.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'ok');
        expect(codes).toContain('RATE_LIMITED');
        // The newcomers' reserve (10 % of the capacity, here 2 calls) is never lent to the flood.
        const quietAnswers = await Promise.all(Array.from({ length: 2 }, (_, i) => lookup(quiet.member, i)));
        for (const res of quietAnswers) expect(res.body.errors).toBeUndefined();
        expect(w.kustomer.requests.length - before).toBeLessThanOrEqual(KUSTOMER_QUOTA);
      },
    },
  ],
});
