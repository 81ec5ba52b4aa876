import { RowsCache } from '../../src/db/rows-cache';

test('serves from memory until invalidated', async () => {
  const cache = new RowsCache<number>({ ttlMs: 60_000, maxEntries: 10, trusted: true });
  let loads = 0;
  const load = async () => ++loads;
  expect(await cache.get('org', load)).toBe(1);
  expect(await cache.get('org', load)).toBe(1);
  cache.invalidate('org');
  expect(await cache.get('org', load)).toBe(2);
});

test('a load that overlapped an invalidation is not kept', async () => {
  const cache = new RowsCache<string>({ ttlMs: 60_000, maxEntries: 10, trusted: true });
  let release!: () => void;
  const slow = cache.get('org', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
  cache.invalidate('org');
  release();
  expect(await slow).toBe('old');
  expect(await cache.get('org', async () => 'new')).toBe('new');
});

test('untrusted: every read loads', async () => {
  const cache = new RowsCache<number>({ ttlMs: 60_000, maxEntries: 10, trusted: false });
  let loads = 0;
  await cache.get('org', async () => ++loads);
  await cache.get('org', async () => ++loads);
  expect(loads).toBe(2);
  cache.setTrusted(true);
  await cache.get('org', async () => ++loads);
  await cache.get('org', async () => ++loads);
  expect(loads).toBe(3);
});

test('entries expire after the TTL', async () => {
  const cache = new RowsCache<number>({ ttlMs: 1, maxEntries: 10, trusted: true });
  let loads = 0;
  await cache.get('org', async () => ++loads);
  await new Promise((r) => setTimeout(r, 5));
  await cache.get('org', async () => ++loads);
  expect(loads).toBe(2);
});
