/**
 * Database outage: every query fails as a lost connection does (`ECONNREFUSED`), or only one kind
 * of statement fails mid-operation. The gateway says it is not ready, refuses with a fixed message
 * that carries no driver text or SQL, leaves nothing half-written, and works again once the
 * database is back. Injected at the driver (knex's `_query`), so it is the same on PGlite and
 * PostgreSQL and can be undone.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../src/db/database';
import { ShopifyWebhookSender, shopifyPayloads } from '../../support/shopify-webhooks';
import { defineCategory } from '../support/catalogue';
import { expectCleanLog, expectCode, expectNoLeak, pollUntil } from '../support/checks';
import { SHOPIFY_WEBHOOK_SECRET, sharedWorld, type World } from '../support/world';

/** Makes matching statements fail like a dropped connection until the returned function is called. */
function outage(db: Db, match: (sql: string) => boolean = () => true): () => void {
  type Query = (this: { config?: unknown }, connection: unknown, obj: { sql?: string }) => Promise<unknown>;
  // On the class: a transaction's client is a fresh object of the same class sharing `config`.
  const client = db.client as { config: unknown; constructor: { prototype: { _query: Query } } };
  const proto = client.constructor.prototype;
  const original = proto._query;
  proto._query = function (connection, obj) {
    if (this.config === client.config && match(String(obj?.sql ?? ''))) {
      return Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      );
    }
    return original.call(this, connection, obj);
  };
  return () => {
    proto._query = original;
  };
}

async function during<T>(w: World, run: () => Promise<T>, match?: (sql: string) => boolean): Promise<T> {
  const restore = outage(w.gw.db, match);
  try {
    return await run();
  } finally {
    restore();
  }
}

const CONNECT = `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { errorCode integration { ... on ShopifyIntegration { status } } } }`;

export const databaseOutageCases = defineCategory<World>({
  category: 'database outage',
  setup: () => sharedWorld(),
  teardown: async () => {},
  cases: [
    {
      name: '/readyz while the database is down; /healthz unaffected',
      expected: 'HTTP 503 "database unavailable"; 200 after',
      async run(w) {
        await during(w, async () => {
          const ready = await fetch(`${w.gw.url}/readyz`);
          expect(ready.status).toBe(503);
          const text = await ready.text();
          expectNoLeak(text, 'the answer', { forbidden: ['ECONNREFUSED', '5432'] });
          expect((await fetch(`${w.gw.url}/healthz`)).status).toBe(200);
        });
        expect((await fetch(`${w.gw.url}/readyz`)).status).toBe(200);
      },
    },
    {
      name: 'a read that needs the database (the audit log), with a new token',
      expected: 'INTERNAL_SERVER_ERROR "Internal server error.", no driver text',
      async run(w) {
        const org = await w.org();
        const mark = w.logs.length;
        const res = await during(w, () =>
          w.gw.graphql(`{ organization { auditLog(first: 5) { edges { cursor } } } }`, {}, org.member),
        );
        expectCode(res, 'INTERNAL_SERVER_ERROR', { forbidden: ['ECONNREFUSED', '5432'] });
        expect(res.body.errors?.[0]?.message).toBe('Internal server error.');
        // The operator is told why.
        expect(w.logsSince(mark)).toMatch(/ECONNREFUSED/);
        expectCleanLog(w.logsSince(mark), [org.member]);
      },
    },
    {
      name: 'connecting a store while the database is down',
      expected: 'INTERNAL_SERVER_ERROR; afterwards no row, and the store can be connected',
      async run(w) {
        const org = await w.org();
        await w.gw.graphql('{ viewer { userId } }', {}, org.admin);
        const store = `outage-${randomUUID().slice(0, 8)}`;
        const res = await during(w, () => w.gw.graphql(CONNECT, { s: store }, org.admin));
        expectCode(res, 'INTERNAL_SERVER_ERROR', { forbidden: ['ECONNREFUSED'] });
        expect(await w.gw.db('integrations').where({ organization_id: org.id })).toHaveLength(0);
        const again = await w.gw.graphql(CONNECT, { s: store }, org.admin);
        expect(again.body.data?.connectIntegration?.integration?.status).toBe('CONNECTED');
      },
    },
    {
      name: 'the audit row cannot be written (only audit inserts fail)',
      expected: 'INTERNAL_SERVER_ERROR and no connected row without its audit row',
      knownGap:
        'the action commits before its audit row is written (src/graphql/directives/audit.directive.ts): the store stays connected, unaudited, while the client is told INTERNAL_SERVER_ERROR',
      async run(w) {
        const org = await w.org();
        await w.gw.graphql('{ viewer { userId } }', {}, org.admin);
        const store = `unaudited-${randomUUID().slice(0, 8)}`;
        const res = await during(
          w,
          () => w.gw.graphql(CONNECT, { s: store }, org.admin),
          (sql) => /insert into "?audit_log/i.test(sql),
        );
        expectNoLeak(JSON.stringify(res.body), 'the answer', { forbidden: ['ECONNREFUSED'] });
        const connected = await w.gw
          .db('integrations')
          .where({ organization_id: org.id, status: 'connected' });
        const audited = await w.gw
          .db('audit_log')
          .where({ organization_id: org.id, action: 'integration.connect' });
        expect(res.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        // Never an action without its audit row: either both, or neither.
        expect({ connected: connected.length, audited: audited.length }).toEqual(
          connected.length > 0 ? { connected: 1, audited: 1 } : { connected: 0, audited: 0 },
        );
      },
    },
    {
      name: 'a Shopify webhook while the database is down, then its retry',
      expected: 'HTTP 5xx (Shopify retries); the retry stored and processed once',
      async run(w) {
        const org = await w.org();
        const store = `outage-hook-${randomUUID().slice(0, 6)}`;
        await w.gw.graphql(CONNECT, { s: store }, org.admin);
        const shopify = new ShopifyWebhookSender(w.gw.url, SHOPIFY_WEBHOOK_SECRET);
        const signed = shopify.sign({
          topic: 'orders/updated',
          shop: store,
          payload: shopifyPayloads.order(8801, { id: 88, email: 'o@example.com' }),
        });
        const first = await during(w, () => shopify.post(signed.headers, signed.body));
        expect(first.status).toBeGreaterThanOrEqual(500);
        expectNoLeak(JSON.stringify(first.body ?? ''), 'the answer', { forbidden: ['ECONNREFUSED'] });
        const retry = await shopify.post(signed.headers, signed.body);
        expect(retry.status).toBe(200);
        const id = signed.headers['x-shopify-webhook-id']!;
        const rows = await pollUntil(
          () => w.gw.db('webhook_events').where({ provider: 'shopify', provider_event_id: id }),
          (r) => r[0]?.state === 'done',
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ organization_id: org.id, state: 'done' });
      },
    },
    {
      name: 'a burst of 30 requests during the outage, then recovery',
      expected: 'each refused with a code, none hangs; all answered after',
      async run(w) {
        const org = await w.org();
        const query = `{ organization { auditLog(first: 1) { edges { cursor } } } }`;
        const answers = await during(w, () =>
          Promise.all(Array.from({ length: 30 }, () => w.gw.graphql(query, {}, org.member))),
        );
        for (const res of answers) expectCode(res, 'INTERNAL_SERVER_ERROR');
        const after = await Promise.all(
          Array.from({ length: 10 }, () => w.gw.graphql(query, {}, org.member)),
        );
        expect(after.every((r) => r.body.errors === undefined)).toBe(true);
      },
    },
  ],
});
