/**
 * Input validation: identifiers built to send the platform's credentials to another host or another
 * account, values built to widen a provider's filter, control characters and huge values. Each is
 * refused before any provider call and without echoing the value.
 */
import { defineCategory } from '../support/catalogue';
import { expectCode } from '../support/checks';
import { sharedWorld, type Org, type World } from '../support/world';

interface Ctx {
  w: World;
  /** Connected to Shopify store "input-store", Kustomer "input-co" and Klaviyo. */
  org: Org;
}

const CONNECT = `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { errorCode integration { __typename } } }`;
const SHOP = (fields: string, variables: string) =>
  `query(${variables}) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${fields} } } } }`;

/** The connect is refused with BAD_USER_INPUT, the value is not echoed, and nothing is stored. */
async function connectRefused(c: Ctx, input: Record<string, unknown>, value: string) {
  const fresh = await c.w.org();
  const res = await c.w.gw.graphql(CONNECT, { input }, fresh.admin);
  expectCode(res, 'BAD_USER_INPUT', { forbidden: value.length > 3 ? [value] : [] });
  const rows = await c.w.gw
    .db('integrations')
    .where({ organization_id: fresh.id })
    .whereNot({ status: 'disconnected' });
  expect(rows).toHaveLength(0);
}

/** A query refused with BAD_USER_INPUT before any Shopify call. */
async function shopRefused(c: Ctx, fields: string, declared: string, variables: Record<string, unknown>) {
  const before = c.w.shopify.graphqlCalls();
  const res = await c.w.gw.graphql(SHOP(fields, declared), variables, c.org.member);
  expectCode(res, 'BAD_USER_INPUT');
  expect(c.w.shopify.graphqlCalls()).toBe(before);
}

const kustomerCustomer = `query($id: ID, $email: String, $phone: String) { organization { integration(provider: KUSTOMER) { ... on KustomerIntegration { customer(id: $id, email: $email, phone: $phone) { id } } } } }`;

async function kustomerRefused(c: Ctx, variables: Record<string, unknown>) {
  const before = c.w.kustomer.requests.length;
  const res = await c.w.gw.graphql(kustomerCustomer, variables, c.org.member);
  expectCode(res, 'BAD_USER_INPUT');
  expect(c.w.kustomer.requests.length).toBe(before);
}

export const inputCases = defineCategory<Ctx>({
  category: 'input validation',
  async setup() {
    const w = await sharedWorld();
    const org = await w.org();
    for (const input of [
      { shopify: { storeName: 'input-store' } },
      { kustomer: { subdomain: 'input-co' } },
      { klaviyo: { companyId: 'InPuT1' } },
    ]) {
      const { body } = await w.gw.graphql(CONNECT, { input }, org.admin);
      if (body.errors) throw new Error(`set-up: ${JSON.stringify(body.errors)}`);
    }
    return { w, org };
  },
  teardown: async () => {},
  cases: [
    {
      name: 'storeName that names another host ("evil.example.com/")',
      expected: 'BAD_USER_INPUT, nothing stored',
      run: (c) => connectRefused(c, { shopify: { storeName: 'evil.example.com/' } }, 'evil.example.com/'),
    },
    {
      name: 'storeName with credentials-in-URL form ("acme@127.0.0.1:9")',
      expected: 'BAD_USER_INPUT',
      run: (c) => connectRefused(c, { shopify: { storeName: 'acme@127.0.0.1:9' } }, 'acme@127.0.0.1:9'),
    },
    {
      name: 'storeName climbing the path ("../admin/oauth")',
      expected: 'BAD_USER_INPUT',
      run: (c) => connectRefused(c, { shopify: { storeName: '../admin/oauth' } }, '../admin/oauth'),
    },
    {
      name: 'storeName with a trailing newline or a NUL',
      expected: 'BAD_USER_INPUT, not stored trimmed',
      async run(c) {
        await connectRefused(c, { shopify: { storeName: 'acme-store\n' } }, 'acme-store\n');
        await connectRefused(c, { shopify: { storeName: 'acme\u0000store' } }, 'acme\u0000store');
      },
    },
    {
      name: 'storeName with a Cyrillic look-alike letter and a right-to-left override',
      expected: 'BAD_USER_INPUT',
      async run(c) {
        await connectRefused(c, { shopify: { storeName: 'аcme-store' } }, 'аcme-store');
        await connectRefused(c, { shopify: { storeName: 'acme\u202estore' } }, 'acme\u202estore');
      },
    },
    {
      name: 'storeName of 100 000 characters',
      expected: 'BAD_USER_INPUT, value not echoed',
      run: (c) => connectRefused(c, { shopify: { storeName: 'a'.repeat(100_000) } }, 'a'.repeat(100)),
    },
    {
      name: 'Kustomer subdomain that ends the host ("evil.example.com#")',
      expected: 'BAD_USER_INPUT',
      run: (c) => connectRefused(c, { kustomer: { subdomain: 'evil.example.com#' } }, 'evil.example.com#'),
    },
    {
      name: 'Messenger page id with a path ("104857600000001/feed")',
      expected: 'BAD_USER_INPUT',
      run: (c) =>
        connectRefused(c, { messenger: { pageId: '104857600000001/feed' } }, '104857600000001/feed'),
    },
    {
      name: 'WhatsApp number with a NUL and with letters',
      expected: 'BAD_USER_INPUT',
      async run(c) {
        await connectRefused(c, { whatsapp: { businessNumber: '+14155550100\u0000' } }, '+14155550100\u0000');
        await connectRefused(c, { whatsapp: { businessNumber: '+1415555O1OO' } }, '+1415555O1OO');
      },
    },
    {
      name: 'Kustomer lookup by an email that climbs the path ("a@b.co/../../v1/users")',
      expected: 'BAD_USER_INPUT, no Kustomer call',
      run: (c) => kustomerRefused(c, { email: 'a@b.co/../../v1/users' }),
    },
    {
      name: 'Kustomer lookup by id with a query string ("abc?include=all") and by "%2e%2e"',
      expected: 'BAD_USER_INPUT, no Kustomer call',
      async run(c) {
        await kustomerRefused(c, { id: 'abc?include=all' });
        await kustomerRefused(c, { id: '%2e%2e' });
      },
    },
    {
      name: "Shopify order by a name that ends the search value ('#1001\" OR name:*')",
      expected: 'BAD_USER_INPUT, no Shopify call',
      run: (c) => shopRefused(c, 'order(name: $v) { id }', '$v: String', { v: '#1001" OR name:*' }),
    },
    {
      name: 'Shopify product id of another resource type or with GraphQL in it',
      expected: 'BAD_USER_INPUT, no Shopify call',
      async run(c) {
        await shopRefused(c, 'product(id: $id) { id }', '$id: ID!', { id: 'gid://shopify/Customer/1' });
        await shopRefused(c, 'product(id: $id) { id }', '$id: ID!', { id: '1) { id } shop { name' });
      },
    },
    {
      name: "Klaviyo profile by an email that widens the filter ('x\",any(...)')",
      expected: 'BAD_USER_INPUT',
      async run(c) {
        const res = await c.w.gw.graphql(
          `query($e: String) { organization { integration(provider: KLAVIYO) { ... on KlaviyoIntegration { profile(email: $e) { id } } } } }`,
          { e: 'x@example.com"),or(greater-than(created,1970-01-01T00:00:00Z' },
          c.org.member,
        );
        expectCode(res, 'BAD_USER_INPUT');
      },
    },
    {
      name: 'a page size of a million and a negative one',
      expected: 'BAD_USER_INPUT / QUERY_TOO_COMPLEX, no Shopify call',
      async run(c) {
        for (const n of [1_000_000, -1]) {
          const before = c.w.shopify.graphqlCalls();
          const res = await c.w.gw.graphql(
            SHOP('products(first: $n) { edges { cursor } }', '$n: Int'),
            { n },
            c.org.member,
          );
          expect(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']).toContain(res.body.errors?.[0]?.extensions?.code);
          expect(c.w.shopify.graphqlCalls()).toBe(before);
        }
      },
    },
    {
      name: 'a cart link with quantity 2^31-1, zero, and a variant id with a path',
      expected: 'BAD_USER_INPUT',
      async run(c) {
        for (const line of [
          { variantId: '1', quantity: 2_147_483_647 },
          { variantId: '1', quantity: 0 },
          { variantId: '1/../../admin', quantity: 1 },
        ]) {
          const res = await c.w.gw.graphql(
            `query($lines: [CartLineInput!]!) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { cartLink(lines: $lines) } } } }`,
            { lines: [line] },
            c.org.member,
          );
          expectCode(res, 'BAD_USER_INPUT');
        }
      },
    },
    {
      name: 'an audit log page of 100 000 entries and a forged cursor',
      expected: 'BAD_USER_INPUT',
      async run(c) {
        const q = `query($n: Int, $a: String) { organization { auditLog(first: $n, after: $a) { edges { cursor } } } }`;
        expectCode(await c.w.gw.graphql(q, { n: 100_000 }, c.org.member), 'BAD_USER_INPUT');
        expectCode(await c.w.gw.graphql(q, { n: 5, a: "1' OR '1'='1" }, c.org.member), 'BAD_USER_INPUT');
      },
    },
    {
      name: 'a draft order note with control characters',
      expected: 'BAD_USER_INPUT, no Shopify call',
      async run(c) {
        const before = c.w.shopify.graphqlCalls();
        const res = await c.w.gw.graphql(
          `mutation($input: CreateShopifyDraftOrderInput!) { createShopifyDraftOrder(input: $input) { draftOrder { id } } }`,
          { input: { lineItems: [{ variantId: '1', quantity: 1 }], note: 'hi\u0000\u001b[2J' } },
          c.org.admin,
        );
        expectCode(res, 'BAD_USER_INPUT');
        expect(c.w.shopify.graphqlCalls()).toBe(before);
      },
    },
  ],
});
