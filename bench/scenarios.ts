/**
 * Benchmark scenarios. A scenario is one GraphQL request sent to the gateway again and again, the
 * check its answer must pass, and the exact upstream calls it must cause. To add one (a new
 * provider, the webhook inbox...), append an object here; `run.ts` picks it up.
 *
 *   provider        which connected integration it uses (the bench connects one per organization)
 *   query/variables the request body
 *   check(data)     the `data` of a right answer (GraphQL errors or non-2xx always count as errors)
 *   upstream        the upstream operations one request must cause, in order (checked exactly on a
 *                   single request before the load, and as calls per request during it)
 *   runs            how it is loaded: upstream latency and closed-loop connections per run
 */

import * as Q from '../src/datasources/shopify/shopify.queries';

export type Mode = 'throughput' | 'latency';

export interface ScenarioRun {
  /** Fixed delay of every upstream answer (ms). */
  upstreamLatencyMs: number;
  mode: Mode;
  connections: number;
}

export interface Scenario {
  name: string;
  description: string;
  provider: 'shopify';
  query: string;
  variables?: Record<string, unknown>;
  check: (data: any) => boolean;
  upstream: string[];
  runs: ScenarioRun[];
}

/** Closed-loop connections for the maximum-rate runs. */
export const THROUGHPUT_CONNECTIONS = 16;

/** The product S1 reads: the bench upstream gives it 15 variants (a ~4 KB Shopify answer). */
export const S1_PRODUCT_ID = 'gid://shopify/Product/2';
export const S1_VARIANTS = 15;

/**
 * The upstream call S1 causes, which B0 sends directly and B1 sends for S1. The bench checks that
 * the gateway sends exactly this body (else B0/B1 would not be the same call) and says so if not.
 */
export const S1_UPSTREAM_OP = 'ProductsById';
export const S1_UPSTREAM_BODY = JSON.stringify({
  query: Q.PRODUCTS_BY_ID,
  variables: { ids: [S1_PRODUCT_ID] },
});
/** The `data` of a right upstream answer to S1_UPSTREAM_BODY. */
export const s1UpstreamCheck = (d: any) =>
  d?.nodes?.[0]?.id === S1_PRODUCT_ID && d.nodes[0].variants?.nodes?.length === S1_VARIANTS;

export const S1_QUERY = `query S1($id: ID!) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { product(id: $id) { id title variants { id price } } } } } }`;

export const scenarios: Scenario[] = [
  {
    name: 'S1',
    description: 'one-provider proxy query: a Shopify product by id with its variants (1 upstream call)',
    provider: 'shopify',
    query: S1_QUERY,
    variables: { id: S1_PRODUCT_ID },
    check: (d) =>
      d?.organization?.integration?.product?.id === S1_PRODUCT_ID &&
      d.organization.integration.product.variants?.length === S1_VARIANTS,
    upstream: [S1_UPSTREAM_OP],
    runs: [
      { upstreamLatencyMs: 0, mode: 'throughput', connections: THROUGHPUT_CONNECTIONS },
      { upstreamLatencyMs: 0, mode: 'latency', connections: 1 },
      { upstreamLatencyMs: 0, mode: 'latency', connections: 2 },
      { upstreamLatencyMs: 20, mode: 'latency', connections: 4 },
    ],
  },
  {
    name: 'S2',
    description: 'fan-out: 20 orders with their customers (orders, then one nodes(ids:) batch)',
    provider: 'shopify',
    query: `query S2 { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 20) { edges { node { id name customer { id email } } } } } } } }`,
    check: (d) => {
      const edges = d?.organization?.integration?.orders?.edges;
      return (
        Array.isArray(edges) &&
        edges.length === 20 &&
        edges.some((e: any) => e.node.customer) &&
        edges.every((e: any) => e.node.customer === null || typeof e.node.customer.email === 'string')
      );
    },
    upstream: ['Orders', 'CustomersById'],
    runs: [
      { upstreamLatencyMs: 0, mode: 'throughput', connections: THROUGHPUT_CONNECTIONS },
      { upstreamLatencyMs: 20, mode: 'latency', connections: 4 },
    ],
  },
  {
    name: 'S3',
    description: 'audited mutation: testIntegration (1 upstream call, a health update, an audit row)',
    provider: 'shopify',
    query: `mutation S3 { testIntegration(provider: SHOPIFY) { integration { __typename ... on ShopifyIntegration { status } } } }`,
    check: (d) =>
      d?.testIntegration?.integration?.__typename === 'ShopifyIntegration' &&
      d.testIntegration.integration.status === 'CONNECTED',
    upstream: ['Shop'],
    runs: [{ upstreamLatencyMs: 0, mode: 'throughput', connections: THROUGHPUT_CONNECTIONS }],
  },
  {
    name: 'S3c',
    description:
      'audited mutation without upstream: connectIntegration re-connecting the same store (an upsert and an audit row)',
    provider: 'shopify',
    query: `mutation S3c($store: String!) { connectIntegration(input: { shopify: { storeName: $store } }) { integration { __typename } } }`,
    // $store is filled in with the organization's own store by run.ts.
    check: (d) => d?.connectIntegration?.integration?.__typename === 'ShopifyIntegration',
    upstream: [],
    runs: [{ upstreamLatencyMs: 0, mode: 'throughput', connections: THROUGHPUT_CONNECTIONS }],
  },
];
