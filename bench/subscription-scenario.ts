/**
 * W2: a signed inbound message reaching its organization's live subscription (issue 9: "delivered
 * to that organization's subscription within 100 ms and to no other"). One graphql-ws subscriber of
 * `messageEvents` per organization (A and B, each with its own connected Page); signed Messenger
 * deliveries for A's Page are posted one at a time (closed loop: the next one leaves when the
 * previous event arrived), and for each the bench measures the time from the POST's 200 to A's
 * subscriber receiving the event. B's subscriber must receive nothing. The path measured is the
 * production one: the inbox stores and acknowledges, the job worker in the gateway process ingests
 * the message, and the pub/sub (in memory here: the bench runs one instance) pushes it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const W2_NAME = 'W2';
export const W2_PATH = '/webhooks/messenger';
export const W2_DELIVERY_P99_TARGET_MS = 100;
/** The bench's Meta app: the gateway verifies the deliveries with this secret. */
export const MESSENGER_APP_SECRET = randomBytes(24).toString('hex');
/** Two Pages per run, one per organization (a tag keeps them unclaimed in a reused database). */
const TAG = 100_000 + Math.floor(Math.random() * 800_000);
export const pageFor = (org: 'A' | 'B') => `10485${TAG}${org === 'A' ? '01' : '02'}`;

/** The gateway's Messenger configuration: no Send API call happens on inbound, so Graph is a dead port. */
export const messengerEnv = (): Record<string, string> => ({
  MESSENGER_APP_ID: '1234567890',
  MESSENGER_APP_SECRET,
  MESSENGER_PAGE_ACCESS_TOKEN: 'bench-system-user-token',
  MESSENGER_VERIFY_TOKEN: 'bench-verify-token',
  MESSENGER_API_BASE_URL: 'http://127.0.0.1:9',
});

/** A text message from a shopper to the Page, shaped and signed as Meta sends it. */
export function signedDelivery(pageId: string, psid: string, text: string, n: number) {
  const now = Date.now();
  const body = Buffer.from(
    JSON.stringify({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: now,
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: pageId },
              timestamp: now,
              message: { mid: `m_bench_${TAG}_${n}_${randomBytes(6).toString('hex')}`, text },
            },
          ],
        },
      ],
    }),
  );
  const signature = `sha256=${createHmac('sha256', MESSENGER_APP_SECRET).update(body).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
}

interface Subscriber {
  client: Client;
  /** Arrival time (performance.now()) by message text. */
  arrivals: Map<string, number>;
  count: () => number;
  errors: unknown[];
  waiters: Map<string, () => void>;
}

async function subscribe(gwUrl: string, token: string): Promise<Subscriber> {
  const client = createClient({
    url: `${gwUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
  const connected = new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`subscriber closed: ${JSON.stringify(event)}`)));
  });
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const errors: unknown[] = [];
  let received = 0;
  client.subscribe<{ messageEvents: { type: string; message: { text: string | null } | null } }>(
    { query: 'subscription { messageEvents { type channel conversationId message { direction text } } }' },
    {
      next: (value) => {
        const at = performance.now();
        if (value.errors) {
          errors.push(...value.errors);
          return;
        }
        received++;
        const text = value.data?.messageEvents.message?.text ?? '';
        arrivals.set(text, at);
        waiters.get(text)?.();
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await connected;
  return { client, arrivals, count: () => received, errors, waiters };
}

export interface W2Result {
  deliveries: number;
  /** Events that did not arrive within the per-delivery timeout. */
  missed: number;
  /** POST's 200 → event at A's subscriber, ms (0 when the event came before the 200 was read). */
  afterAckMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** POST sent → event at A's subscriber, ms (the whole path, acknowledgement included). */
  endToEndMs: { p50: number; p99: number; max: number };
  /** Events that reached before the POST's 200 was read. */
  beforeAck: number;
  /** Events B's subscriber received (must be 0), and A's subscriber beyond the deliveries. */
  otherOrgEvents: number;
  unexpectedA: number;
  non200: number;
  subscriptionErrors: string[];
  durationSec: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * `warmup` deliveries (not measured), then `count` measured ones; each waits for its event (at most
 * `timeoutMs`) before the next leaves. B is checked again after a quiet pause at the end.
 */
export async function runW2(
  gwUrl: string,
  tokens: { a: string; b: string },
  opts: { count: number; warmup: number; timeoutMs?: number },
): Promise<W2Result> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const a = await subscribe(gwUrl, tokens.a);
  const b = await subscribe(gwUrl, tokens.b);
  try {
    // The subscribe messages are handled after connection_ack: give the server a moment.
    await new Promise((r) => setTimeout(r, 200));
    const page = pageFor('A');
    const afterAck: number[] = [];
    const endToEnd: number[] = [];
    let missed = 0;
    let beforeAck = 0;
    let non200 = 0;
    const t0 = Date.now();
    for (let n = 0; n < opts.warmup + opts.count; n++) {
      const measured = n >= opts.warmup;
      // A few shoppers, so the conversation look-up is not always the same row.
      const psid = `70000000${TAG}${String(n % 7).padStart(2, '0')}`;
      const text = `w2-${n}-${randomBytes(4).toString('hex')}`;
      const { body, headers } = signedDelivery(page, psid, text, n);
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        a.waiters.set(text, () => {
          clearTimeout(timer);
          resolve(true);
        });
        if (a.arrivals.has(text)) a.waiters.get(text)!();
      });
      const sent = performance.now();
      const res = await fetch(`${gwUrl}${W2_PATH}`, { method: 'POST', headers, body });
      await res.arrayBuffer();
      const acked = performance.now();
      if (res.status !== 200) non200++;
      const ok = await arrived;
      a.waiters.delete(text);
      if (!measured) continue;
      if (!ok || res.status !== 200) {
        missed++;
        continue;
      }
      const at = a.arrivals.get(text)!;
      if (at < acked) beforeAck++;
      afterAck.push(Math.max(0, at - acked));
      endToEnd.push(at - sent);
    }
    const durationSec = Math.round((Date.now() - t0) / 100) / 10;
    // Anything for B would have been pushed long before this.
    await new Promise((r) => setTimeout(r, 500));
    afterAck.sort((x, y) => x - y);
    endToEnd.sort((x, y) => x - y);
    const mean = afterAck.length ? afterAck.reduce((s, x) => s + x, 0) / afterAck.length : 0;
    return {
      deliveries: opts.count,
      missed,
      afterAckMs: {
        p50: r2(quantile(afterAck, 0.5)),
        p90: r2(quantile(afterAck, 0.9)),
        p99: r2(quantile(afterAck, 0.99)),
        max: r2(afterAck.at(-1) ?? 0),
        mean: r2(mean),
      },
      endToEndMs: {
        p50: r2(quantile(endToEnd, 0.5)),
        p99: r2(quantile(endToEnd, 0.99)),
        max: r2(endToEnd.at(-1) ?? 0),
      },
      beforeAck,
      otherOrgEvents: b.count(),
      unexpectedA: a.count() - (opts.warmup + opts.count - missed),
      non200,
      subscriptionErrors: [...a.errors, ...b.errors].map((e) => String(JSON.stringify(e)).slice(0, 200)),
      durationSec,
    };
  } finally {
    await a.client.dispose();
    await b.client.dispose();
  }
}

/** PASS: every delivery acknowledged and pushed, p99 within the target, nothing for B, no errors. */
export const w2Pass = (r: W2Result) =>
  r.missed === 0 &&
  r.non200 === 0 &&
  r.otherOrgEvents === 0 &&
  r.subscriptionErrors.length === 0 &&
  r.afterAckMs.p99 <= W2_DELIVERY_P99_TARGET_MS;
