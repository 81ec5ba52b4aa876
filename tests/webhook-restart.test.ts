import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  createTestDatabaseUrl,
  newOrgId,
  startTestGateway,
  testPostgresUrl,
} from './support/harness';
import { ShopifyWebhookSender, shopifyPayloads } from './support/shopify-webhooks';
import { connectShopify, settledEvent, storedEvents } from './support/webhook-helpers';

const SECRET = 'restart-webhook-secret';
const ENGINE = testPostgresUrl() ? 'PostgreSQL' : 'PGlite';
const ENV = {
  ...PROVIDERS_CONFIGURED_OFFLINE,
  SHOPIFY_WEBHOOK_SECRET: SECRET,
  JOBS_POLL_INTERVAL_MS: '50',
  JOBS_BACKOFF_BASE_MS: '20',
};
/** A short lease, so the job left mid-processing by the stopped instance is taken over quickly. */
const SHORT_LEASE = { ...ENV, JOBS_LEASE_MS: '300' };
const ORDER = shopifyPayloads.order(42, { id: 7, email: 'r@example.com' });

test(`events queued when a gateway stops are processed by the next one, also one left mid-processing (${ENGINE})`, async () => {
  const databaseUrl = await createTestDatabaseUrl();
  // PGlite: one folder on disk, used by one gateway after the other.
  const dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-restart-'));
  const options = { databaseUrl, ...(dataDir ? { pgliteDataDir: dataDir } : {}) };
  try {
    // The first instance stores and acknowledges, but its worker never runs (it "went down").
    const first = await startTestGateway({ ...SHORT_LEASE, JOBS_WORKER: 'off' }, options);
    const org = newOrgId();
    const ids: string[] = [];
    try {
      await connectShopify(first, await first.token(org, 'admin'), 'restart-store');
      const sender = new ShopifyWebhookSender(first.url, SECRET);
      for (let i = 0; i < 5; i++) {
        const sent = await sender.send({ topic: 'orders/updated', shop: 'restart-store', payload: ORDER });
        expect(sent.status).toBe(200);
        ids.push(sent.webhookId);
      }
      const rows = await first.db('webhook_events').whereIn('provider_event_id', ids);
      expect(rows.map((r) => r.state)).toEqual(Array(5).fill('pending'));
      // One was being processed when the instance died: its job is claimed, its lease still running.
      await first
        .db('jobs')
        .whereRaw(`payload ->> 'eventId' = ?`, [rows[0].id])
        .update({
          state: 'running',
          attempts: 1,
          locked_until: first.db.raw(`NOW() + INTERVAL '200 milliseconds'`),
        });
      await first.db('webhook_events').where({ id: rows[0].id }).update({ state: 'processing', attempts: 1 });
    } finally {
      await first.close();
    }

    const second = await startTestGateway(SHORT_LEASE, options);
    try {
      for (const id of ids) {
        const row = await settledEvent(second, id);
        expect(row).toMatchObject({ state: 'done', organization_id: org });
        expect(await storedEvents(second, id)).toHaveLength(1);
      }
      const jobs = await second.db('jobs').where({ queue: 'webhook' });
      expect(jobs.every((j) => j.state === 'done')).toBe(true);
    } finally {
      await second.close();
    }
  } finally {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

(testPostgresUrl() ? describe : describe.skip)('two instances on one PostgreSQL', () => {
  test('the same deliveries sent to both instances at once are stored and processed once each', async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const a = await startTestGateway(ENV, { databaseUrl });
    const b = await startTestGateway(ENV, { databaseUrl });
    try {
      const org = newOrgId();
      await connectShopify(a, await a.token(org, 'admin'), 'twin-store');
      const toA = new ShopifyWebhookSender(a.url, SECRET);
      const toB = new ShopifyWebhookSender(b.url, SECRET);
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const signed = toA.sign({ topic: 'orders/updated', shop: 'twin-store', payload: ORDER });
          ids.push(signed.headers['x-shopify-webhook-id']!);
          const answers = await Promise.all([
            toA.post(signed.headers, signed.body),
            toB.post(signed.headers, signed.body),
            toB.post(signed.headers, signed.body),
          ]);
          expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
        }),
      );
      for (const id of ids) {
        expect(await settledEvent(a, id)).toMatchObject({ state: 'done', attempts: 1, organization_id: org });
      }
      const jobs = await a.db('jobs').where({ queue: 'webhook' });
      expect(jobs).toHaveLength(20);
      expect(jobs.every((j) => j.state === 'done' && j.attempts === 1)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
