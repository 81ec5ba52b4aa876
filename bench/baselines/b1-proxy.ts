/**
 * B1: the least a Node proxy can do for S1. Plain node:http, no framework, no GraphQL engine, no
 * auth, no database: it reads the same GraphQL request the gateway gets (S1, `variables.id`), sends
 * the same upstream call the gateway sends (the gateway's own PRODUCTS_BY_ID document with the same
 * variables, over a keep-alive pool) and answers the same JSON shape the gateway answers.
 *
 * POST /<store>/graphql; the store picks the upstream (and so its latency), as the gateway's
 * connected store does. env: PORT, UPSTREAM_URL_TEMPLATE (graphql.json URL with `{store}`),
 * SHOPIFY_TOKEN. Prints `B1_READY <port>`.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRODUCTS_BY_ID } from '../../src/datasources/shopify/shopify.queries';

const template = process.env.UPSTREAM_URL_TEMPLATE ?? 'http://127.0.0.1:1/{store}';
const upstreams = new Map<string, URL>();
const upstreamFor = (store: string) => {
  let url = upstreams.get(store);
  if (!url) {
    url = new URL(template.replace('{store}', store));
    if (upstreams.size < 100) upstreams.set(store, url);
  }
  return url;
};
const token = process.env.SHOPIFY_TOKEN ?? '';
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function callUpstream(upstream: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      upstream,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-shopify-access-token': token,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const server = createServer((req, res) => {
  const store = /^\/([a-z0-9-]{1,63})\/graphql$/.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || !store) {
    req.resume();
    res.writeHead(req.url === '/healthz' ? 200 : 405).end();
    return;
  }
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => {
    const fail = (status: number, message: string) => {
      const out = JSON.stringify({ errors: [{ message }] });
      res
        .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) })
        .end(out);
    };
    let id: unknown;
    try {
      id = (JSON.parse(raw) as { variables?: { id?: unknown } }).variables?.id;
    } catch {
      return fail(400, 'bad JSON');
    }
    if (typeof id !== 'string') return fail(400, 'variables.id missing');
    callUpstream(
      upstreamFor(store),
      JSON.stringify({ query: PRODUCTS_BY_ID, variables: { ids: [id] } }),
    ).then(
      ({ status, text }) => {
        if (status !== 200) return fail(502, `upstream HTTP ${status}`);
        const node = (JSON.parse(text) as { data?: { nodes?: Array<Record<string, any> | null> } }).data
          ?.nodes?.[0];
        const product = node
          ? {
              id: node.id,
              title: node.title,
              variants: (node.variants?.nodes ?? []).map((v: { id: string; price: string }) => ({
                id: v.id,
                price: v.price,
              })),
            }
          : null;
        const out = JSON.stringify({ data: { organization: { integration: { product } } } });
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) })
          .end(out);
      },
      (error: Error) => fail(502, error.message),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`B1_READY ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => process.exit(0));
