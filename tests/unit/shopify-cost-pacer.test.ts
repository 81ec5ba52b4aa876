import { ShopifyCostPacer } from '../../src/datasources/shopify/shopify.cost-pacer';
import { GatewayError } from '../../src/errors/gateway-error';

const status = (available: number) => ({
  requestedQueryCost: 400,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 },
});

test('no wait while the bucket holds the document’s cost, or before anything is known', async () => {
  const pacer = new ShopifyCostPacer();
  const started = Date.now();
  await pacer.beforeCall('store', 'DOC', 1000);
  pacer.afterCall('store', 'DOC', status(1600));
  await pacer.beforeCall('store', 'DOC', 1000);
  expect(Date.now() - started).toBeLessThan(50);
});

test('waits for the refill at the restore rate when the bucket is short', async () => {
  let now = 0;
  const pacer = new ShopifyCostPacer(() => now);
  pacer.afterCall('store', 'DOC', status(380)); // 20 short of 400: 0.2 s at 100/s
  const started = Date.now();
  await pacer.beforeCall('store', 'DOC', 1000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  // Time passing refills it: after 1 s there is no wait.
  now = 1000;
  const again = Date.now();
  await pacer.beforeCall('store', 'DOC', 1000);
  expect(Date.now() - again).toBeLessThan(50);
});

test('a wait longer than allowed fails at once with UPSTREAM_RATE_LIMITED and a retry hint', async () => {
  const pacer = new ShopifyCostPacer(() => 0);
  pacer.afterCall('store', 'DOC', status(0)); // 4 s to refill 400
  const error = await pacer.beforeCall('store', 'DOC', 1000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('UPSTREAM_RATE_LIMITED');
  expect((error as GatewayError).extensions.retryAfterMs).toBe(4000);
  // Other stores have buckets of their own.
  await expect(pacer.beforeCall('other-store', 'DOC', 1000)).resolves.toBeUndefined();
});
