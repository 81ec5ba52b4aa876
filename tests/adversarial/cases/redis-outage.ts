/**
 * Redis stops answering (the proxy in front of TEST_REDIS_URL is cut): per-organization limits are
 * still enforced (in memory), queries are still answered, and live events on one instance still reach
 * their subscribers. Skipped with a note when TEST_REDIS_URL is not set.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { MessengerWebhookSender, messengerEvents as ev } from '../../support/messenger-simulator';
import { defineCategory } from '../support/catalogue';
import { expectCode, sleep } from '../support/checks';
import { MUTATIONS_PER_MINUTE, productionWorld, type ProductionWorld } from '../support/production-world';
import { MESSENGER_APP_SECRET } from '../support/world';

const noRedis = () => (process.env.TEST_REDIS_URL ? undefined : 'TEST_REDIS_URL not set');

async function cut(w: ProductionWorld) {
  if (!w.redis) throw new Error('no Redis');
  await w.redis.cut();
  // ioredis notices the closed socket at once; give its reconnect attempt a moment to fail.
  await sleep(200);
}

export const redisOutageCases = defineCategory<ProductionWorld>({
  category: 'Redis outage',
  setup: () => productionWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'queries while Redis is gone',
      expected: 'answered, no error, within a second',
      skip: noRedis,
      async run(w) {
        await cut(w);
        const org = await w.org();
        const started = Date.now();
        const res = await w.gw.graphql(`{ viewer { userId organization { id } } }`, {}, org.member);
        expect(res.body.errors).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(1000);
      },
    },
    {
      name: 'the per-organization mutation budget while Redis is gone',
      expected: `still enforced in memory: RATE_LIMITED after ${MUTATIONS_PER_MINUTE}`,
      skip: noRedis,
      async run(w) {
        await cut(w);
        const org = await w.org();
        const mutate = () =>
          w.gw.graphql(`mutation { disconnectIntegration(provider: KLAVIYO) { errorCode } }`, {}, org.admin);
        for (let i = 0; i < MUTATIONS_PER_MINUTE; i++) expect((await mutate()).body.errors).toBeUndefined();
        expectCode(await mutate(), 'RATE_LIMITED');
      },
    },
    {
      name: 'a subscriber on this instance while Redis is gone',
      expected: 'the webhook’s message reaches it',
      skip: noRedis,
      async run(w) {
        await cut(w);
        const org = await w.org();
        const page = '104857600000099';
        await w.gw.graphql(
          `mutation($p: String!) { connectIntegration(input: { messenger: { pageId: $p } }) { errorCode } }`,
          { p: page },
          org.admin,
        );
        const client = createClient({
          url: `${w.gw.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${org.member}` },
          retryAttempts: 0,
        });
        try {
          const received = new Promise<unknown>((resolve, reject) => {
            client.subscribe(
              { query: 'subscription { messageEvents { type } }' },
              {
                next: (value) => resolve(value),
                error: reject,
                complete: () => reject(new Error('completed')),
              },
            );
            setTimeout(() => reject(new Error('no event within 5 s')), 5000).unref();
          });
          await sleep(300);
          const meta = new MessengerWebhookSender(w.gw.url, MESSENGER_APP_SECRET);
          const sent = await meta.send(
            ev.delivery([{ pageId: page, messaging: [ev.text(page, '7000000000000099', 'anyone?')] }]),
          );
          expect(sent.status).toBe(200);
          expect(await received).toMatchObject({ data: { messageEvents: { type: expect.any(String) } } });
        } finally {
          await client.dispose();
        }
      },
    },
  ],
});
