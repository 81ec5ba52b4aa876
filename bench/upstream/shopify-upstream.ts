/**
 * The benchmark's Shopify upstream: a fixed-latency, keep-alive, replaying front of the real
 * Shopify simulator (tests/support/shopify-simulator.ts).
 *
 * Why not the simulator itself: it parses, validates and *executes* every request over the 2025-01
 * Admin schema (hundreds of µs to ms of CPU per call). On this 2-core machine the upstream shares
 * core 0 with the load generator, so that work would cap and distort the gateway's numbers. Here
 * each distinct request (store + exact body) is sent once to the real simulator — so every document
 * the gateway sends is still validated against the real schema and answered with the simulator's
 * data and status — and the answer is replayed byte for byte afterwards.
 *
 * Latency is chosen by the store name: `<name>-lat<ms>` answers after <ms> ms (setTimeout), others
 * at once. Requests are counted per store and operation name, so the bench can check how many
 * upstream calls each gateway request made.
 *
 * Control (loopback only): GET /__bench/stats, POST /__bench/reset.
 * Prints `UPSTREAM_READY <port>` when listening.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifySimulator } from '../../tests/support/shopify-simulator';

const ACCESS_TOKEN = process.env.BENCH_SHOPIFY_TOKEN ?? 'shpat_bench_token';
const PORT = Number(process.env.BENCH_UPSTREAM_PORT ?? 0);
/** Shopify refuses a query whose requested cost exceeds 1000; BENCH_SHOPIFY_MAX_COST=Infinity relaxes it. */
const MAX_COST = process.env.BENCH_SHOPIFY_MAX_COST ? Number(process.env.BENCH_SHOPIFY_MAX_COST) : undefined;
/** Extra variants for product 2 of every store, so its answer is ~4.8 KB (the issue asks 2–8 KB). */
const EXTRA_VARIANTS = Number(process.env.BENCH_EXTRA_VARIANTS ?? 12);

interface Cached {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  graphqlErrors: boolean;
}

interface RouteStats {
  /** The latest request body (so the bench can check B0/B1 send exactly what the gateway sends). */
  lastBody: string;
  calls: number;
  bytes: number;
  lastSize: number;
  errors: number;
}

async function main() {
  const simOptions: Parameters<typeof startShopifySimulator>[0] = { latencyMs: 0, accessToken: ACCESS_TOKEN };
  if (MAX_COST !== undefined) (simOptions as Record<string, unknown>).maxQueryCost = MAX_COST;
  const sim = await startShopifySimulator(simOptions);
  const enlarged = new Set<string>();

  const simAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  const cache = new Map<string, Cached>();
  const routes = new Map<string, RouteStats>();
  let total = 0;
  /** The last upstream calls in arrival order (store and operation), for the exact per-request check. */
  const recent: string[] = [];

  const forward = (path: string, headers: IncomingMessage['headers'], body: Buffer) =>
    new Promise<Cached>((resolve, reject) => {
      const url = new URL(path, sim.url);
      const req = request(
        url,
        {
          method: 'POST',
          agent: simAgent,
          headers: {
            'content-type': String(headers['content-type'] ?? 'application/json'),
            'x-shopify-access-token': String(headers['x-shopify-access-token'] ?? ''),
            'content-length': String(body.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks);
            const out: Record<string, string> = {
              'content-type': String(res.headers['content-type'] ?? 'application/json'),
            };
            const version = res.headers['x-shopify-api-version'];
            if (version) out['x-shopify-api-version'] = String(version);
            let graphqlErrors = false;
            try {
              graphqlErrors = Array.isArray((JSON.parse(text.toString()) as { errors?: unknown }).errors);
            } catch {
              graphqlErrors = true;
            }
            resolve({ status: res.statusCode ?? 502, headers: out, body: text, graphqlErrors });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const send = (res: ServerResponse, answer: Cached) => {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/__bench/')) {
      control(req, res, path);
      return;
    }
    const match = /^\/([^/]+)\/admin\/api\/[^/]+\/graphql\.json$/.exec(path);
    if (!match || req.method !== 'POST') {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":"Not Found"}');
      return;
    }
    const store = match[1]!;
    const latency = Number(/-lat(\d+)$/.exec(store)?.[1] ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString();
      // The operation name, read without parsing the JSON: `query Nodes(` / `mutation X`, else anonymous.
      const op = /(?:query|mutation)\s+([A-Za-z_]\w*)/.exec(text.slice(0, 400))?.[1] ?? '(anonymous)';
      const routeKey = `${store} ${op}`;
      let stats = routes.get(routeKey);
      if (!stats) {
        stats = { lastBody: '', calls: 0, bytes: 0, lastSize: 0, errors: 0 };
        routes.set(routeKey, stats);
      }
      const route = stats;
      route.calls += 1;
      route.lastBody = text;
      total += 1;
      if (recent.length < 1000) recent.push(routeKey);
      const key = `${store}\n${String(req.headers['x-shopify-access-token'] ?? '')}\n${text}`;
      const reply = (answer: Cached) => {
        route.bytes += answer.body.length;
        route.lastSize = answer.body.length;
        if (answer.status >= 300 || answer.graphqlErrors) route.errors += 1;
        if (latency > 0) setTimeout(() => send(res, answer), latency);
        else send(res, answer);
      };
      if (!enlarged.has(store) && enlarged.size < 1000) {
        enlarged.add(store);
        enlargeProduct(sim.fixtures(store), 2, EXTRA_VARIANTS);
      }
      const cached = cache.get(key);
      if (cached) {
        reply(cached);
        return;
      }
      forward(path, req.headers, body).then(
        (answer) => {
          if (cache.size < 10_000) cache.set(key, answer);
          reply(answer);
        },
        (error: Error) => {
          reply({
            status: 502,
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ errors: `bench upstream: ${error.message}` })),
            graphqlErrors: true,
          });
        },
      );
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  function control(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    if (path === '/__bench/reset' && req.method === 'POST') {
      routes.clear();
      recent.length = 0;
      total = 0;
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/__bench/stats') {
      const out = {
        total,
        routes: Object.fromEntries(routes),
        recent,
        invalidQueries: sim.invalidQueries
          .map((q) => ({ store: q.store, errors: q.errors.slice(0, 3) }))
          .slice(0, 20),
        cachedAnswers: cache.size,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
      return;
    }
    res.writeHead(404);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  console.log(`UPSTREAM_READY ${port}`);

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/**
 * Gives product `n` of a store `extra` more variants (clones of its first one with their own ids),
 * so `nodes(ids: [product])` answers with a realistic 2–8 KB body. Uses the simulator's live
 * fixture data; nothing else about the store changes.
 */
function enlargeProduct(
  data: ReturnType<Awaited<ReturnType<typeof startShopifySimulator>>['fixtures']>,
  n: number,
  extra: number,
) {
  const product = data.products.find((p) => p.id === `gid://shopify/Product/${n}`);
  if (!product || extra <= 0) return;
  const variants = product.variants as Array<Record<string, unknown>>;
  const base = variants[0];
  if (!base) return;
  for (let k = 0; k < extra; k++) {
    const id = 900_000 + n * 100 + k;
    const variant = {
      ...base,
      id: `gid://shopify/ProductVariant/${id}`,
      legacyResourceId: String(id),
      title: `Bench option ${k + 1}`,
      displayName: `${String(product.title)} - Bench option ${k + 1}`,
      sku: `BENCH-${n}-${k + 1}`,
      price: (20 + k).toFixed(2),
      position: variants.length + 1,
    } as unknown as (typeof data.variants)[number];
    variants.push(variant);
    data.variants.push(variant);
    data.byId.set(variant.id, variant);
  }
}

main().catch((error: unknown) => {
  console.error('bench upstream failed:', error);
  process.exit(1);
});
