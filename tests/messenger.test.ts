/**
 * Facebook Messenger end to end, as an organization's users see it: Meta's signed webhooks
 * (handshake, signature, batched events, retries, receipts) read back through GraphQL's
 * conversations and live over graphql-ws, and sends through GraphQL's sendMessage reaching the
 * Messenger simulator, which checks every request against Meta's documented shapes (afterEach fails
 * on any violation).
 */
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import type { MessengerDataSource } from '../src/datasources/messenger/messenger.datasource';
import type { SendContext } from '../src/messaging/messaging.types';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import {
  MessengerWebhookSender,
  messengerEvents as ev,
  newMid,
  startMessengerSimulator,
  type MessengerSimulator,
} from './support/messenger-simulator';
import { waitFor } from './support/webhook-helpers';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const APP_SECRET = 'messenger-app-secret-for-tests-0123';
const VERIFY_TOKEN = 'messenger-verify-token-for-tests';
const PAGE_A = '104857600000001';
const PAGE_B = '104857600000002';
const PAGE_UNASSIGNED = '104857600000003';
const PSID = '7000000000000001';

let sim: MessengerSimulator;
let gw: TestGateway;
let meta: MessengerWebhookSender;
const orgA = newOrgId();
const orgB = newOrgId();
const orgC = newOrgId();
let adminA: string;
let adminB: string;
let adminC: string;
const logLines: string[] = [];
const clients: Client[] = [];

const CONNECT = `mutation($pageId: String!) { connectIntegration(input: { messenger: { pageId: $pageId } }) {
  integration { ... on MessengerIntegration { pageId status } } } }`;
const TEST = `mutation { testIntegration(provider: MESSENGER) { errorCode
  integration { ... on MessengerIntegration { status errorMessage } } } }`;

async function connect(token: string, pageId: string) {
  const { body } = await gw.graphql(CONNECT, { pageId }, token);
  expect(body.data.connectIntegration.integration).toEqual({ pageId, status: 'CONNECTED' });
}

function gatewayEnv(sim: MessengerSimulator, token: string) {
  return {
    MESSENGER_APP_ID: '1234567890',
    MESSENGER_APP_SECRET: APP_SECRET,
    MESSENGER_PAGE_ACCESS_TOKEN: token,
    MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
    MESSENGER_API_BASE_URL: sim.baseUrl,
    JOBS_POLL_INTERVAL_MS: '50',
    JOBS_BACKOFF_BASE_MS: '20',
    JOBS_MAX_ATTEMPTS: '3',
  };
}

beforeAll(async () => {
  sim = await startMessengerSimulator();
  sim.assignPage(PAGE_A, 'Acme Shoes');
  sim.assignPage(PAGE_B, 'Bolt Bikes');
  const capture = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  gw = await startTestGateway(gatewayEnv(sim, sim.systemUserToken), {
    logger: pino({ level: 'debug' }, capture),
  });
  meta = new MessengerWebhookSender(gw.url, APP_SECRET);
  adminA = await gw.token(orgA, 'admin', 'alice');
  adminB = await gw.token(orgB, 'admin', 'bob');
  adminC = await gw.token(orgC, 'admin', 'carol');
  await connect(adminA, PAGE_A);
  await connect(adminB, PAGE_B);
  await connect(adminC, PAGE_UNASSIGNED);
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await gw.close();
  await sim.close();
});
afterEach(() => {
  const violations = [...sim.violations];
  sim.reset();
  expect(violations).toEqual([]);
});

/** The organization's Messenger data source, as the send mutation gets it through the runtime. */
async function channelOf(org: string): Promise<MessengerDataSource> {
  const { services } = gw.gateway;
  const [row] = await services.integrationsRepo.forOrganizationAndProviders(org, ['messenger']);
  return services.runtime.dataSourceFor(row as any, services.logger) as MessengerDataSource;
}

const context = (over: Partial<SendContext> = {}): SendContext => ({
  organizationId: orgA,
  accountKey: PAGE_A,
  contactId: PSID,
  lastInboundAt: new Date(Date.now() - 60_000),
  requestId: 'test',
  ...over,
});

const tokenLookups = () => sim.requests.filter((r) => r.query.fields === 'access_token');

describe(`webhook subscription and signatures (${ENGINE})`, () => {
  test.each(['/webhooks/messenger', '/api/webhooks/messenger'])(
    'GET %s answers the handshake with the challenge as text, 403 on a wrong token',
    async (path) => {
      const ok = await fetch(
        `${gw.url}${path}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      );
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await ok.text()).toBe('1158201444');
      const wrong = await fetch(
        `${gw.url}${path}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`,
      );
      expect(wrong.status).toBe(403);
      expect(await wrong.text()).not.toContain('1158201444');
      const noMode = await fetch(`${gw.url}${path}?hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`);
      expect(noMode.status).toBe(403);
    },
  );

  test('a forged, tampered or unsigned delivery is 401 and stores nothing', async () => {
    const payload = ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, PSID, 'forged')] }]);
    const signed = meta.sign(payload);
    const forged = meta.sign(payload, 'not-the-app-secret');
    const attempts = [
      meta.post(forged.headers, forged.body),
      meta.post(signed.headers, signed.body.replace('forged', 'Forged')),
      meta.post({ 'content-type': 'application/json' }, signed.body),
      meta.post({ ...signed.headers, 'x-hub-signature-256': 'sha256=00' }, signed.body),
      meta.post(forged.headers, forged.body, '/api/webhooks/messenger'),
    ];
    for (const result of await Promise.all(attempts)) expect(result.status).toBe(401);
    const rows = await gw.db('webhook_events').where({ provider: 'messenger' }).count({ n: '*' });
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe(`testIntegration and Page tokens (${ENGINE})`, () => {
  test('proves the platform can act for the Page: one token lookup, then GET /{page-id} with the Page token', async () => {
    const first = await gw.graphql(TEST, {}, adminA);
    expect(first.body.data.testIntegration).toEqual({
      errorCode: null,
      integration: { status: 'CONNECTED', errorMessage: null },
    });
    const [lookup, page] = sim.requests;
    expect(lookup).toMatchObject({ method: 'GET', path: `/v25.0/${PAGE_A}`, token: sim.systemUserToken });
    expect(page).toMatchObject({
      method: 'GET',
      path: `/v25.0/${PAGE_A}`,
      query: { fields: 'id,name' },
      token: sim.pageToken(PAGE_A),
    });
    // Cached across requests: a second test makes no second lookup.
    sim.reset();
    await gw.graphql(TEST, {}, adminA);
    expect(tokenLookups()).toHaveLength(0);
    expect(sim.requests).toHaveLength(1);
  });

  test('a Page not assigned to the platform: ERROR, and what the organization must do in words', async () => {
    const { body } = await gw.graphql(TEST, {}, adminC);
    expect(body.data.testIntegration.errorCode).toBe('UPSTREAM_AUTH_FAILED');
    const { status, errorMessage } = body.data.testIntegration.integration;
    expect(status).toBe('ERROR');
    expect(errorMessage).toContain(`cannot act for the Facebook Page ${PAGE_UNASSIGNED}`);
    expect(errorMessage).toContain("assign the Page to the platform's Meta Business");
    expect(errorMessage).toContain('pages_messaging');
    // Once assigned, the same test passes.
    sim.assignPage(PAGE_UNASSIGNED);
    const again = await gw.graphql(TEST, {}, adminC);
    expect(again.body.data.testIntegration.integration.status).toBe('CONNECTED');
    sim.unassignPage(PAGE_UNASSIGNED);
  });

  test('the page token never reaches a log line', async () => {
    await gw.graphql(TEST, {}, adminA);
    const all = logLines.join('');
    expect(all).not.toContain(sim.pageToken(PAGE_A));
    expect(all).not.toContain(sim.systemUserToken);
  });

  test('a configured Page token is used for its own Page only', async () => {
    const pageOnly = await startTestGateway(gatewayEnv(sim, sim.pageToken(PAGE_B)));
    try {
      const own = await pageOnly.token(orgA, 'admin');
      const { body: connected } = await pageOnly.graphql(CONNECT, { pageId: PAGE_B }, own);
      expect(connected.errors).toBeUndefined();
      const ok = await pageOnly.graphql(TEST, {}, own);
      expect(ok.body.data.testIntegration.integration).toEqual({ status: 'CONNECTED', errorMessage: null });
      expect(sim.requests.at(-1)).toMatchObject({
        query: { fields: 'id,name' },
        token: sim.pageToken(PAGE_B),
      });

      const other = await pageOnly.token(orgB, 'admin');
      await pageOnly.graphql(CONNECT, { pageId: PAGE_A }, other);
      const refused = await pageOnly.graphql(TEST, {}, other);
      expect(refused.body.data.testIntegration.errorCode).toBe('UPSTREAM_AUTH_FAILED');
      expect(refused.body.data.testIntegration.integration.errorMessage).toMatch(
        /acts for that Page only, so it cannot act for the Facebook Page 104857600000001/,
      );
      // Graph would not give Page A's token to Page B's: `GET /me` says the token is a Page's.
      expect(sim.requests.filter((r) => r.path.endsWith('/me'))).toHaveLength(1);
    } finally {
      await pageOnly.close();
    }
  });
});

// ── GraphQL: what an organization's users see and do ─────────────────────────────────────────────

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  replayed
  message { id direction status kind text errorCode
    quickReplies { title payload } attachments { type url } buttons { title payload url } }
  conversation { id channel accountKey contact { id } } } }`;

const CONVERSATIONS = `query { organization { conversations(first: 50, channel: MESSENGER) { edges { node {
  id channel accountKey contact { id } lastInboundAt lastReadAt
  messages(first: 50) { edges { node { id direction status kind text
    attachments { type url } quickReplyPayload postback { title payload } } } } } } } } }`;

let keys = 0;
const key = () => `messenger-${++keys}`;

/** sendMessage as a client calls it; `input` is SendMessageInput (an idempotency key is added). */
const send = (token: string, input: Record<string, unknown>) =>
  gw.graphql(SEND, { input: { idempotencyKey: key(), ...input } }, token);

const toPsid = (
  contactId: string,
  content: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  channel: 'MESSENGER',
  contactId,
  content,
  ...extra,
});

interface ConversationView {
  id: string;
  accountKey: string;
  contact: { id: string };
  lastInboundAt: string | null;
  lastReadAt: string | null;
  messages: Array<Record<string, any>>;
}

async function conversationsOf(token: string): Promise<ConversationView[]> {
  const { body } = await gw.graphql(CONVERSATIONS, {}, token);
  expect(body.errors).toBeUndefined();
  return body.data.organization.conversations.edges.map((e: any) => ({
    ...e.node,
    messages: e.node.messages.edges.map((m: any) => m.node),
  }));
}

/** The organization's conversation with that person, as its users read it (undefined if none). */
const conversationWith = async (token: string, contactId: string) =>
  (await conversationsOf(token)).find((c) => c.contact.id === contactId);

/** Waits until the organization's conversation with that person has `count` messages. */
const messagesWith = (token: string, contactId: string, count: number) =>
  waitFor(
    () => conversationWith(token, contactId),
    (c) => (c?.messages.length ?? 0) >= count,
  ).then((c) => c!);

const settled = async (mid: string) =>
  waitFor(
    () => gw.db('webhook_events').where({ provider: 'messenger', provider_event_id: mid }),
    (rows) => rows.length > 0 && !['pending', 'processing'].includes(rows[0].state),
  );

/** The shopper writes to the Page (a signed webhook), so its 24-hour window is open. */
async function shopperWrites(
  token: string,
  pageId: string,
  psid: string,
  text: string,
  timestamp = Date.now(),
) {
  const before = (await conversationWith(token, psid))?.messages.length ?? 0;
  const res = await meta.send(
    ev.delivery([{ pageId, messaging: [ev.text(pageId, psid, text, newMid(), timestamp)] }]),
  );
  expect(res.status).toBe(200);
  return messagesWith(token, psid, before + 1);
}

const posts = () => sim.requests.filter((r) => r.method === 'POST');

describe(`sending through GraphQL (${ENGINE})`, () => {
  const psid = '7000000000000011';
  let conversationId: string;

  beforeAll(async () => {
    conversationId = (await shopperWrites(adminA, PAGE_A, psid, 'Do you ship to Lyon?')).id;
    await shopperWrites(adminB, PAGE_B, psid, 'Hello Bolt');
    sim.reset();
  });

  const kinds: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'text',
      { text: { body: 'Your order shipped 📦' } },
      { text: 'Your order shipped 📦' },
      { kind: 'TEXT', text: 'Your order shipped 📦' },
    ],
    [
      'text with quick replies',
      {
        text: {
          body: 'Pick a size',
          quickReplies: [
            { title: 'S', payload: 'SIZE_S' },
            { title: 'M', payload: 'SIZE_M' },
          ],
        },
      },
      {
        text: 'Pick a size',
        quick_replies: [
          { content_type: 'text', title: 'S', payload: 'SIZE_S' },
          { content_type: 'text', title: 'M', payload: 'SIZE_M' },
        ],
      },
      {
        kind: 'TEXT',
        quickReplies: [
          { title: 'S', payload: 'SIZE_S' },
          { title: 'M', payload: 'SIZE_M' },
        ],
      },
    ],
    [
      'media by URL',
      { media: { url: 'https://cdn.example.com/shoe.png', type: 'IMAGE' } },
      {
        attachment: {
          type: 'image',
          payload: { url: 'https://cdn.example.com/shoe.png', is_reusable: true },
        },
      },
      { kind: 'MEDIA', attachments: [{ type: 'IMAGE', url: 'https://cdn.example.com/shoe.png' }] },
    ],
    [
      'button template',
      {
        buttons: {
          text: 'What next?',
          buttons: [
            { title: 'Track order', url: 'https://shop.example.com/track' },
            { title: 'Talk to us', payload: 'HUMAN' },
          ],
        },
      },
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'What next?',
            buttons: [
              { type: 'web_url', url: 'https://shop.example.com/track', title: 'Track order' },
              { type: 'postback', title: 'Talk to us', payload: 'HUMAN' },
            ],
          },
        },
      },
      {
        kind: 'BUTTONS',
        text: 'What next?',
        buttons: [
          { title: 'Track order', payload: null, url: 'https://shop.example.com/track' },
          { title: 'Talk to us', payload: 'HUMAN', url: null },
        ],
      },
    ],
  ];

  test.each(kinds)(
    '%s inside the 24-hour window goes out as RESPONSE, valid against the Send API',
    async (_kind, content, message, stored) => {
      const { body } = await send(adminA, { conversationId, content });
      expect(body.errors).toBeUndefined();
      expect(body.data.sendMessage).toMatchObject({
        replayed: false,
        message: { direction: 'OUTBOUND', status: 'SENT', errorCode: null, ...stored },
        conversation: { id: conversationId, channel: 'MESSENGER', accountKey: PAGE_A, contact: { id: psid } },
      });
      expect(sim.violations).toEqual([]);
      expect(sim.sent).toEqual([{ recipient: { id: psid }, messaging_type: 'RESPONSE', message }]);
      expect(posts()).toEqual([
        expect.objectContaining({ path: `/v25.0/${PAGE_A}/messages`, token: sim.pageToken(PAGE_A) }),
      ]);
    },
  );

  test('outside the window: refused before any call without a tag, MESSAGE_TAG with one', async () => {
    const stalePsid = '7000000000000012';
    const stale = await shopperWrites(
      adminA,
      PAGE_A,
      stalePsid,
      'Hello from yesterday',
      Date.now() - 25 * 3_600_000,
    );
    sim.reset();
    const refusals = [
      send(adminA, { conversationId: stale.id, content: { text: { body: 'Hello again' } } }),
      // Writing first to someone who never wrote: no window at all.
      send(adminA, toPsid('7000000000000013', { text: { body: 'Hi' } })),
      // A tag Meta does not allow for this.
      send(adminA, {
        conversationId: stale.id,
        content: { text: { body: 'Sale!' } },
        messageTag: 'PROMOTION',
      }),
    ];
    const errors = (await Promise.all(refusals)).map((r) => r.body.errors?.[0]);
    expect(errors.map((e) => e?.extensions?.code)).toEqual(Array(3).fill('BAD_USER_INPUT'));
    expect(errors[0]?.message).toContain('24-hour window');
    expect(posts()).toHaveLength(0);

    const tagged = await send(adminA, {
      conversationId: stale.id,
      content: { text: { body: 'Your order shipped' } },
      messageTag: 'POST_PURCHASE_UPDATE',
    });
    expect(tagged.body.errors).toBeUndefined();
    expect(tagged.body.data.sendMessage.message.status).toBe('SENT');
    expect(sim.violations).toEqual([]);
    expect(sim.sent).toEqual([
      {
        recipient: { id: stalePsid },
        messaging_type: 'MESSAGE_TAG',
        tag: 'POST_PURCHASE_UPDATE',
        message: { text: 'Your order shipped' },
      },
    ]);
    // Refused sends keep nothing: the conversation has the shopper's message and the tagged one.
    const after = await conversationWith(adminA, stalePsid);
    expect(after!.messages.map((m) => [m.direction, m.text])).toEqual([
      ['OUTBOUND', 'Your order shipped'],
      ['INBOUND', 'Hello from yesterday'],
    ]);
  });

  test('a retried sendMessage with the same idempotency key calls the Send API once and answers replayed', async () => {
    const idempotencyKey = `retry-${newOrgId()}`;
    const input = { conversationId, content: { text: { body: 'Sent once' } }, idempotencyKey };
    // The client's first attempt and its retry race; then one more retry after both answered.
    const racing = await Promise.all([send(adminA, input), send(adminA, input)]);
    const later = await send(adminA, input);
    const answers = [...racing, later].map((r) => {
      expect(r.body.errors).toBeUndefined();
      return r.body.data.sendMessage;
    });
    expect(answers.map((a) => a.replayed).sort()).toEqual([false, true, true]);
    expect(new Set(answers.map((a) => a.message.id)).size).toBe(1);
    expect(later.body.data.sendMessage.message).toMatchObject({ status: 'SENT', text: 'Sent once' });
    expect(posts()).toHaveLength(1);
    expect(sim.sent).toEqual([
      { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Sent once' } },
    ]);
    const stored = (await conversationWith(adminA, psid))!.messages.filter((m) => m.text === 'Sent once');
    expect(stored).toHaveLength(1);
  });

  test('what Messenger cannot carry is refused before any call', async () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ title: `Q${i}`, payload: `P${i}` }));
    const refused: Array<Record<string, unknown>> = [
      { conversationId, content: { text: { body: 'Pick', quickReplies: many } } },
      {
        conversationId,
        content: {
          buttons: { text: 'Pick', buttons: [1, 2, 3, 4].map((i) => ({ title: `B${i}`, payload: `P${i}` })) },
        },
      },
      { conversationId, content: { media: { url: 'ftp://example.com/a.png', type: 'IMAGE' } } },
      {
        conversationId,
        content: { media: { url: 'https://cdn.example.com/a.png', type: 'IMAGE', caption: 'lost' } },
      },
      { conversationId, content: { template: { id: 'HX123' } } },
      toPsid('../me', { text: { body: 'x' } }),
    ];
    for (const input of refused) {
      const { body } = await send(adminA, input);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(posts()).toHaveLength(0);
  });

  test('markConversationRead tells Messenger mark_seen with the Page token', async () => {
    const { body } = await gw.graphql(
      `mutation($id: ID!) { markConversationRead(conversationId: $id) { conversation { id lastReadAt } } }`,
      { id: conversationId },
      adminA,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.markConversationRead.conversation).toEqual({
      id: conversationId,
      lastReadAt: expect.any(String),
    });
    expect(posts()).toEqual([
      expect.objectContaining({
        path: `/v25.0/${PAGE_A}/messages`,
        token: sim.pageToken(PAGE_A),
        body: { recipient: { id: psid }, sender_action: 'mark_seen' },
      }),
    ]);
    // Another organization cannot mark it read.
    const other = await gw.graphql(
      `mutation($id: ID!) { markConversationRead(conversationId: $id) { conversation { id } } }`,
      { id: conversationId },
      adminB,
    );
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(posts()).toHaveLength(1);
  });

  test('typing sender actions (no GraphQL surface: the data source directly)', async () => {
    const channel = await channelOf(orgA);
    await channel.senderAction('typing_on', context());
    await channel.senderAction('typing_off', context());
    expect(posts().map((r) => r.body)).toEqual([
      { recipient: { id: PSID }, sender_action: 'typing_on' },
      { recipient: { id: PSID }, sender_action: 'typing_off' },
    ]);
  });

  test('a Page token Graph refuses (190) is looked up again once, then the send succeeds', async () => {
    const sendText = (text: string) => send(adminA, { conversationId, content: { text: { body: text } } });
    expect((await sendText('warm the cache')).body.errors).toBeUndefined();
    const before = sim.pageToken(PAGE_A);
    sim.rotatePageToken(PAGE_A);
    sim.reset();
    expect((await sendText('after rotation')).body.errors).toBeUndefined();
    expect(posts().map((r) => r.token)).toEqual([before, sim.pageToken(PAGE_A)]);
    expect(tokenLookups()).toHaveLength(1);
    expect(sim.sent).toHaveLength(1);
    // A second refusal is final: UPSTREAM_AUTH_FAILED, a FAILED message, and the integration in ERROR.
    sim.reset();
    sim.failNext({ code: 190, subcode: 460, pathIncludes: '/messages' }, 2);
    const refused = await sendText('x');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_AUTH_FAILED');
    expect(tokenLookups()).toHaveLength(1);
    const { body } = await gw.graphql(
      `{ organization { integration(provider: MESSENGER) { ... on MessengerIntegration { status errorMessage } } } }`,
      {},
      adminA,
    );
    expect(body.data.organization.integration.status).toBe('ERROR');
    const failed = (await conversationWith(adminA, psid))!.messages.find((m) => m.text === 'x');
    expect(failed).toMatchObject({ direction: 'OUTBOUND', status: 'FAILED' });
    // The next accepted call heals it.
    await gw.graphql(TEST, {}, adminA);
  });

  test.each([
    [{ code: 613 }, 'UPSTREAM_RATE_LIMITED', /rate limiting/],
    [{ code: 4 }, 'UPSTREAM_RATE_LIMITED', /rate limiting/],
    [{ code: 551, type: 'OAuthException' }, 'UPSTREAM_ERROR', /not available/],
    [{ code: 10, subcode: 2018278 }, 'UPSTREAM_ERROR', /24-hour window/],
    [{ code: 200, status: 403 }, 'UPSTREAM_ERROR', /pages_messaging/],
    [{ code: 100, subcode: 2018001 }, 'UPSTREAM_ERROR', /no person with this id/],
    [{ code: 100 }, 'UPSTREAM_ERROR', /invalid parameter/],
  ])('Graph error %j → %s in words, without Graph’s body', async (failure, code, words) => {
    sim.failNext({ ...failure, pathIncludes: '/messages' });
    const { body } = await send(adminB, toPsid(psid, { text: { body: 'x' } }));
    const [error] = body.errors ?? [];
    expect(error).toMatchObject({ extensions: { code }, message: expect.stringMatching(words) });
    expect(JSON.stringify(error)).not.toMatch(/simulated|fbtrace|#\d/);
    const status = await gw.graphql(
      `{ organization { integration(provider: MESSENGER) { ... on MessengerIntegration { status } } } }`,
      {},
      adminB,
    );
    expect(status.body.data.organization.integration.status).toBe('CONNECTED');
  });
});

describe(`receiving (${ENGINE})`, () => {
  const psid = '7000000000000042';

  test('text, attachments, a quick reply and a postback become messages of the Page’s conversation with that person', async () => {
    const mids = [newMid(), newMid(), newMid(), newMid()];
    const res = await meta.send(
      ev.delivery([
        {
          pageId: PAGE_A,
          messaging: [
            ev.text(PAGE_A, psid, 'Où est ma commande ? https://shop.example.com/o/1', mids[0]),
            ev.attachments(
              PAGE_A,
              psid,
              [
                { type: 'image', url: 'https://scontent.example.com/a.jpg' },
                { type: 'file', url: 'https://cdn.example.com/invoice.pdf' },
              ],
              mids[1],
            ),
            ev.quickReply(PAGE_A, psid, 'Medium', 'SIZE_M', mids[2]),
          ],
        },
        { pageId: PAGE_B, messaging: [ev.postback(PAGE_B, psid, 'Talk to us', 'HUMAN', mids[3])] },
      ]),
    );
    expect(res.status).toBe(200);
    for (const mid of mids) expect((await settled(mid))[0].state).toBe('done');
    const a = await messagesWith(adminA, psid, 3);
    expect(a).toMatchObject({ accountKey: PAGE_A, contact: { id: psid }, lastInboundAt: expect.any(String) });
    // Events of one delivery are processed independently, in any order.
    expect(a.messages).toHaveLength(3);
    expect(a.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          direction: 'INBOUND',
          status: 'RECEIVED',
          kind: 'TEXT',
          text: 'Où est ma commande ? https://shop.example.com/o/1',
        }),
        expect.objectContaining({
          kind: 'MEDIA',
          attachments: [
            { type: 'IMAGE', url: 'https://scontent.example.com/a.jpg' },
            { type: 'FILE', url: 'https://cdn.example.com/invoice.pdf' },
          ],
        }),
        expect.objectContaining({ text: 'Medium', quickReplyPayload: 'SIZE_M' }),
      ]),
    );
    // The postback was to Page B: organization B's conversation, none of A's.
    const b = await messagesWith(adminB, psid, 1);
    expect(b.accountKey).toBe(PAGE_B);
    expect(b.messages).toEqual([
      expect.objectContaining({
        direction: 'INBOUND',
        kind: 'POSTBACK',
        postback: { title: 'Talk to us', payload: 'HUMAN' },
      }),
    ]);
    // Each organization's conversation is its own: the other's id reads as null.
    const CONVERSATION = `query($id: ID!) { organization { conversation(id: $id) { id contact { id } } } }`;
    const own = await gw.graphql(CONVERSATION, { id: a.id }, adminA);
    expect(own.body.data.organization.conversation).toEqual({ id: a.id, contact: { id: psid } });
    const foreign = await gw.graphql(CONVERSATION, { id: a.id }, adminB);
    expect(foreign.body.errors).toBeUndefined();
    expect(foreign.body.data.organization.conversation).toBeNull();
    expect((await conversationsOf(adminC)).map((c) => c.contact.id)).not.toContain(psid);
  });

  test('a retried delivery is processed once', async () => {
    const mid = newMid();
    const results = await meta.sendCopies(
      ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, psid, 'only once', mid)] }]),
      3,
    );
    for (const result of results) expect(result.status).toBe(200);
    await settled(mid);
    const { messages } = (await conversationWith(adminA, psid))!;
    expect(messages.filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  test('echoes of the Page’s own sends store nothing; an unassigned Page’s events are unrouted', async () => {
    const echo = newMid();
    const stray = newMid();
    await meta.send(
      ev.delivery([
        { pageId: PAGE_A, messaging: [ev.echo(PAGE_A, psid, 'we said this', echo)] },
        { pageId: '104857600000099', messaging: [ev.text('104857600000099', psid, 'hello?', stray)] },
      ]),
    );
    expect((await settled(echo))[0].state).toBe('unsupported');
    expect((await settled(stray))[0].state).toBe('unrouted');
    for (const token of [adminA, adminB, adminC]) {
      const texts = (await conversationsOf(token)).flatMap((c) => c.messages.map((m) => m.text));
      expect(texts).not.toContain('we said this');
      expect(texts).not.toContain('hello?');
    }
  });

  test('a read receipt marks the outbound messages up to its watermark read; delivery before or after', async () => {
    const reader = '7000000000000077';
    const conversation = await shopperWrites(adminA, PAGE_A, reader, 'hi');
    const { body } = await send(adminA, {
      conversationId: conversation.id,
      content: { text: { body: 'hello!' } },
    });
    expect(body.data.sendMessage.message.status).toBe('SENT');
    const [mid] = sim.messageIds;
    const watermark = Date.now();
    // Meta may deliver the read receipt before the delivery receipt.
    await meta.send(ev.delivery([{ pageId: PAGE_A, messaging: [ev.read(PAGE_A, reader, watermark)] }]));
    await settled(`read:${reader}:${watermark}`);
    await meta.send(
      ev.delivery([{ pageId: PAGE_A, messaging: [ev.deliveryReceipt(PAGE_A, reader, [mid!], watermark)] }]),
    );
    await settled(`delivery:${reader}:${watermark}`);
    const { messages } = (await conversationWith(adminA, reader))!;
    expect(messages.filter((m) => m.direction === 'OUTBOUND')).toEqual([
      expect.objectContaining({ id: body.data.sendMessage.message.id, status: 'READ', text: 'hello!' }),
    ]);
  });
});

// ── Live updates: graphql-ws on /graphql ──────────────────────────────────────────────────────────

function subscriber(token: string) {
  const client = createClient({
    url: `${gw.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
  clients.push(client);
  const ready = new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(event));
  });
  const received: { at: number; event: any }[] = [];
  const errors: unknown[] = [];
  client.subscribe<{ messageEvents: unknown }>(
    {
      query: `subscription { messageEvents { type channel conversationId
        message { direction status text } } }`,
    },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        else received.push({ at: performance.now(), event: value.data!.messageEvents });
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { ready, received, errors };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe(`live updates over graphql-ws (${ENGINE})`, () => {
  test("a signed webhook reaches its organization's subscription promptly, and no other organization's", async () => {
    const psid = '7000000000000055';
    const mine = subscriber(adminA);
    const theirs = subscriber(adminB);
    await Promise.all([mine.ready, theirs.ready]);
    await new Promise((r) => setTimeout(r, 100)); // the subscribe messages are processed

    const post = (pageId: string, text: string) =>
      meta.send(ev.delivery([{ pageId, messaging: [ev.text(pageId, psid, text)] }]));
    // Warm-up, then measured from the moment Meta has its 200.
    expect((await post(PAGE_A, 'warm-up')).status).toBe(200);
    await until(() => mine.received.length === 1);
    const res = await post(PAGE_A, 'Is it in stock?');
    const answered = performance.now();
    expect(res.status).toBe(200);
    await until(() => mine.received.length === 2);
    const { at, event } = mine.received[1]!;
    // Pushed as it happens (the 100 ms target itself is the benchmark's to measure, not a timed test's).
    expect(at - answered).toBeLessThan(1000);
    expect(event).toMatchObject({
      type: 'MESSAGE_RECEIVED',
      channel: 'MESSENGER',
      message: { direction: 'INBOUND', status: 'RECEIVED', text: 'Is it in stock?' },
    });
    const conversation = await conversationWith(adminA, psid);
    expect(event.conversationId).toBe(conversation!.id);

    await new Promise((r) => setTimeout(r, 300));
    expect(theirs.received).toEqual([]);
    // B's subscription was live all along: its own Page's message reaches it, and not A's.
    await post(PAGE_B, 'For Bolt');
    await until(() => theirs.received.length === 1);
    expect(theirs.received[0]!.event.message.text).toBe('For Bolt');
    await new Promise((r) => setTimeout(r, 100));
    expect(mine.received).toHaveLength(2);
    expect([...mine.errors, ...theirs.errors]).toEqual([]);
  });
});
