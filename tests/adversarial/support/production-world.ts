/**
 * A second world as production runs: NODE_ENV=production, small per-organization budgets
 * (RATE_LIMIT_SCALE), a small Kustomer quota to share, and Redis (TEST_REDIS_URL) reached through a
 * TCP proxy a case can cut, so "Redis stops answering" is one call.
 */
import net from 'node:net';
import { startWorld, type World } from './world';

export const RATE_LIMIT_SCALE = 0.05;
/** Mutations an organization may make per minute here (120 × RATE_LIMIT_SCALE). */
export const MUTATIONS_PER_MINUTE = 6;
/**
 * Kustomer calls per KUSTOMER_WINDOW_SECONDS all organizations share here. A short window: Redis keeps
 * the counts between runs, and a run must not start inside the previous run's window.
 */
export const KUSTOMER_QUOTA = 20;
export const KUSTOMER_WINDOW_SECONDS = 10;

export interface RedisProxy {
  url: string;
  /** Stops answering: open connections are cut and new ones refused. */
  cut(): Promise<void>;
  readonly cutAt: number | undefined;
}

export interface ProductionWorld extends World {
  redis: RedisProxy | undefined;
  close(): Promise<void>;
}

async function startRedisProxy(target: string): Promise<RedisProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port || 6379), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  let cutAt: number | undefined;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    get cutAt() {
      return cutAt;
    },
    async cut() {
      if (cutAt) return;
      cutAt = Date.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

let shared: Promise<ProductionWorld> | undefined;

export function productionWorld(): Promise<ProductionWorld> {
  shared ??= (async () => {
    const redisUrl = process.env.TEST_REDIS_URL;
    const redis = redisUrl ? await startRedisProxy(redisUrl) : undefined;
    const world = await startWorld({
      NODE_ENV: 'production',
      RATE_LIMIT_SCALE: String(RATE_LIMIT_SCALE),
      PROVIDER_QUOTAS: JSON.stringify({
        kustomer: { limit: KUSTOMER_QUOTA, windowSeconds: KUSTOMER_WINDOW_SECONDS },
      }),
      ...(redis ? { REDIS_URL: redis.url } : {}),
    });
    return {
      ...world,
      redis,
      async close() {
        await world.close();
        await redis?.cut();
      },
    };
  })();
  return shared;
}

export async function closeProductionWorld(): Promise<void> {
  const world = shared;
  shared = undefined;
  if (world) await (await world).close();
}
