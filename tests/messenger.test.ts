/**
 * Facebook Messenger end to end: Meta's webhooks (handshake, signature, batched events, retries,
 * receipts) into the organization's conversations, and sends through the Send API against the
 * Messenger simulator, which checks every request against Meta's documented shapes (afterEach fails
 * on any violation).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { MessengerDataSource } from '../src/datasources/messenger/messenger.datasource';
import type { OutboundContent, SendContext } from '../src/messaging/messaging.types';
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

describe(`sending (${ENGINE})`, () => {
  const kinds: Array<[string, OutboundContent, Record<string, unknown>]> = [
    ['text', { kind: 'text', text: 'Your order shipped 📦' }, { text: 'Your order shipped 📦' }],
    [
      'quick replies',
      {
        kind: 'text',
        text: 'Pick a size',
        quickReplies: [
          { title: 'S', payload: 'SIZE_S' },
          { title: 'M', payload: 'SIZE_M' },
        ],
      },
      {
        text: 'Pick a size',
        quick_replies: [
          { content_type: 'text', title: 'S', payload: 'SIZE_S' },
          { content_type: 'text', title: 'M', payload: 'SIZE_M' },
        ],
      },
    ],
    [
      'media by URL',
      { kind: 'media', attachment: { type: 'image', url: 'https://cdn.example.com/shoe.png' } },
      {
        attachment: {
          type: 'image',
          payload: { url: 'https://cdn.example.com/shoe.png', is_reusable: true },
        },
      },
    ],
    [
      'button template',
      {
        kind: 'buttons',
        text: 'What next?',
        buttons: [
          { title: 'Track order', url: 'https://shop.example.com/track' },
          { title: 'Talk to us', payload: 'HUMAN' },
        ],
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
    ],
  ];

  test.each(kinds)('%s inside the 24-hour window goes out as RESPONSE', async (_kind, content, message) => {
    const channel = await channelOf(orgA);
    const result = await channel.send(content, context());
    expect(result).toEqual({ providerMessageId: expect.stringMatching(/^m_/), status: 'sent' });
    expect(sim.sent).toEqual([{ recipient: { id: PSID }, messaging_type: 'RESPONSE', message }]);
    const post = sim.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: `/v25.0/${PAGE_A}/messages`, token: sim.pageToken(PAGE_A) });
  });

  test('outside the window: refused before any call without a tag, MESSAGE_TAG with one', async () => {
    const channel = await channelOf(orgA);
    const stale = context({ lastInboundAt: new Date(Date.now() - 25 * 3_600_000) });
    await expect(channel.send({ kind: 'text', text: 'Hello again' }, stale)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('24-hour window'),
    });
    await expect(
      channel.send({ kind: 'text', text: 'Hi' }, context({ lastInboundAt: null })),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(
      channel.send({ kind: 'text', text: 'Hi' }, { ...stale, messageTag: 'PROMOTION' }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await channel.send(
      { kind: 'text', text: 'Your order shipped' },
      { ...stale, messageTag: 'post_purchase_update' },
    );
    expect(sim.sent[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' });
  });

  test('what Messenger cannot carry is refused before any call', async () => {
    const channel = await channelOf(orgA);
    const many = Array.from({ length: 14 }, (_, i) => ({ title: `Q${i}`, payload: `P${i}` }));
    const refused: OutboundContent[] = [
      { kind: 'text', text: 'Pick', quickReplies: many },
      {
        kind: 'buttons',
        text: 'Pick',
        buttons: [1, 2, 3, 4].map((i) => ({ title: `B${i}`, payload: `P${i}` })),
      },
      { kind: 'media', attachment: { type: 'image', url: 'ftp://example.com/a.png' } },
      { kind: 'template', templateId: 'HX123', variables: {} },
    ];
    for (const content of refused)
      await expect(channel.send(content, context())).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(
      channel.send({ kind: 'text', text: 'x' }, context({ contactId: '../me' })),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('marking a conversation read tells Messenger mark_seen with the Page token', async () => {
    const reader = '7000000000000088';
    const inbound = newMid();
    await meta.send(ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, reader, 'hi', inbound)] }]));
    await waitFor(
      () => gw.db('messages').where({ provider_message_id: inbound }),
      (rows) => rows.length === 1,
    );
    const [{ conversation_id: conversationId }] = await gw
      .db('messages')
      .where({ provider_message_id: inbound });
    sim.reset();
    await gw.gateway.services.conversations.markRead({
      organizationId: orgA,
      conversationId,
      requestId: 'test',
      logger: gw.gateway.services.logger,
    });
    expect(sim.requests.filter((r) => r.method === 'POST')).toEqual([
      expect.objectContaining({
        path: `/v25.0/${PAGE_A}/messages`,
        token: sim.pageToken(PAGE_A),
        body: { recipient: { id: reader }, sender_action: 'mark_seen' },
      }),
    ]);
  });

  test('sender actions', async () => {
    const channel = await channelOf(orgA);
    await channel.senderAction('typing_on', context());
    await channel.senderAction('mark_seen', context());
    expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { recipient: { id: PSID }, sender_action: 'typing_on' },
      { recipient: { id: PSID }, sender_action: 'mark_seen' },
    ]);
  });

  test('a Page token Graph refuses (190) is looked up again once, then the send succeeds', async () => {
    const channel = await channelOf(orgA);
    await channel.send({ kind: 'text', text: 'warm the cache' }, context());
    const before = sim.pageToken(PAGE_A);
    sim.rotatePageToken(PAGE_A);
    sim.reset();
    await channel.send({ kind: 'text', text: 'after rotation' }, context());
    const posts = sim.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.token)).toEqual([before, sim.pageToken(PAGE_A)]);
    expect(tokenLookups()).toHaveLength(1);
    expect(sim.sent).toHaveLength(1);
    // A second refusal is final: UPSTREAM_AUTH_FAILED and the integration in ERROR.
    sim.reset();
    sim.failNext({ code: 190, subcode: 460, pathIncludes: '/messages' }, 2);
    await expect(channel.send({ kind: 'text', text: 'x' }, context())).rejects.toMatchObject({
      code: 'UPSTREAM_AUTH_FAILED',
    });
    expect(tokenLookups()).toHaveLength(1);
    const { body } = await gw.graphql(
      `{ organization { integration(provider: MESSENGER) { ... on MessengerIntegration { status errorMessage } } } }`,
      {},
      adminA,
    );
    expect(body.data.organization.integration.status).toBe('ERROR');
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
    const channel = await channelOf(orgB);
    sim.failNext({ ...failure, pathIncludes: '/messages' });
    const error = await channel
      .send({ kind: 'text', text: 'x' }, context({ organizationId: orgB, accountKey: PAGE_B }))
      .then(
        () => ({ code: 'none', message: 'sent' }),
        (e: unknown) => e as { code: string; message: string },
      );
    expect(error).toMatchObject({ code, message: expect.stringMatching(words) });
    expect(error.message).not.toMatch(/simulated|fbtrace|#\d/);
    const { body } = await gw.graphql(
      `{ organization { integration(provider: MESSENGER) { ... on MessengerIntegration { status } } } }`,
      {},
      adminB,
    );
    expect(body.data.organization.integration.status).toBe('CONNECTED');
  });
});

// ── Inbound: needs the conversations service (src/messaging/conversations.service.ts) ────────────

interface StoredMessage {
  direction: string;
  status: string;
  text: string | null;
  attachments: unknown;
  quick_reply_payload: string | null;
  postback: unknown;
  provider_message_id: string | null;
}

async function messagesOf(org: string, contactId = PSID): Promise<StoredMessage[]> {
  return gw
    .db('messages as m')
    .join('conversations as c', 'c.id', 'm.conversation_id')
    .where({ 'c.organization_id': org, 'c.channel': 'messenger', 'c.contact_id': contactId })
    .orderBy('m.seq')
    .select(
      'm.direction',
      'm.status',
      'm.text',
      'm.attachments',
      'm.quick_reply_payload',
      'm.postback',
      'm.provider_message_id',
    );
}

const settled = async (mid: string) =>
  waitFor(
    () => gw.db('webhook_events').where({ provider: 'messenger', provider_event_id: mid }),
    (rows) => rows.length > 0 && !['pending', 'processing'].includes(rows[0].state),
  );

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
    const a = await messagesOf(orgA, psid);
    // Events of one delivery are processed independently, in any order.
    expect(a).toHaveLength(3);
    expect(a).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          direction: 'inbound',
          text: 'Où est ma commande ? https://shop.example.com/o/1',
          provider_message_id: mids[0],
        }),
        expect.objectContaining({
          provider_message_id: mids[1],
          attachments: [
            expect.objectContaining({ type: 'image', url: 'https://scontent.example.com/a.jpg' }),
            expect.objectContaining({ type: 'file', url: 'https://cdn.example.com/invoice.pdf' }),
          ],
        }),
        expect.objectContaining({ text: 'Medium', quick_reply_payload: 'SIZE_M' }),
      ]),
    );
    // The postback was to Page B: organization B's conversation, none of A's.
    expect(await messagesOf(orgB, psid)).toEqual([
      expect.objectContaining({
        provider_message_id: mids[3],
        postback: { title: 'Talk to us', payload: 'HUMAN' },
      }),
    ]);
  });

  test('a retried delivery is processed once', async () => {
    const mid = newMid();
    const results = await meta.sendCopies(
      ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, psid, 'only once', mid)] }]),
      3,
    );
    for (const result of results) expect(result.status).toBe(200);
    await settled(mid);
    expect((await messagesOf(orgA, psid)).filter((m) => m.provider_message_id === mid)).toHaveLength(1);
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
    expect((await messagesOf(orgA, psid)).some((m) => m.text === 'we said this')).toBe(false);
  });

  test('a read receipt marks the outbound messages up to its watermark read; delivery before or after', async () => {
    const reader = '7000000000000077';
    const inbound = newMid();
    await meta.send(ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, reader, 'hi', inbound)] }]));
    await settled(inbound);
    // Sent the way the sendMessage mutation sends: through the conversations service.
    const { message } = await gw.gateway.services.conversations.send({
      organizationId: orgA,
      userId: 'alice',
      requestId: 'test',
      logger: gw.gateway.services.logger,
      idempotencyKey: `receipt-${reader}`,
      content: { kind: 'text', text: 'hello!' },
      channel: 'messenger',
      contactId: reader,
    });
    expect(sim.sent).toEqual([
      { recipient: { id: reader }, messaging_type: 'RESPONSE', message: { text: 'hello!' } },
    ]);
    const sent = { providerMessageId: message.provider_message_id! };
    const watermark = Date.now();
    // Meta may deliver the read receipt before the delivery receipt.
    await meta.send(ev.delivery([{ pageId: PAGE_A, messaging: [ev.read(PAGE_A, reader, watermark)] }]));
    await settled(`read:${reader}:${watermark}`);
    await meta.send(
      ev.delivery([
        {
          pageId: PAGE_A,
          messaging: [ev.deliveryReceipt(PAGE_A, reader, [sent.providerMessageId], watermark)],
        },
      ]),
    );
    await settled(`delivery:${reader}:${watermark}`);
    const outbound = (await messagesOf(orgA, reader)).filter((m) => m.direction === 'outbound');
    expect(outbound).toEqual([
      expect.objectContaining({ status: 'read', provider_message_id: sent.providerMessageId }),
    ]);
  });
});
