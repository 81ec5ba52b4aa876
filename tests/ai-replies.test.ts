/**
 * AI replies end to end on both engines: drafts that use Shopify facts through tools (Shopify
 * simulator), automatic replies on Messenger inside and outside the 24-hour window (signed Meta
 * webhooks, Messenger simulator), exactly once when the job runs twice, handovers (the model asks
 * for one, or the shopper asks for a person) with a Kustomer conversation holding the transcript
 * (Kustomer simulator), the daily budget, and usage rows that sum to what the OpenAI simulator
 * reported. Every simulator checks its requests against the provider's documents; afterEach fails
 * on any violation.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { AutoReplies } from '../src/ai/auto-reply';
import { replyDrafter } from '../src/ai/ai-replies';
import { Handover } from '../src/ai/handover';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startKustomerSimulator, type KustomerSimulator } from './support/kustomer-simulator';
import {
  MessengerWebhookSender,
  messengerEvents as ev,
  newMid,
  startMessengerSimulator,
  type MessengerSimulator,
} from './support/messenger-simulator';
import { startOpenAiSimulator, type OpenAiSimulator } from './support/openai-simulator';
import { startShopifySimulator, type ShopifySimulator } from './support/shopify-simulator';
import { waitFor } from './support/webhook-helpers';

/** Waits until `condition` holds (or the time is up; the assertions after it then say what is wrong). */
const until = (condition: () => Promise<boolean> | boolean, ms = 15_000) =>
  waitFor(
    async () => condition(),
    (done) => done,
    ms,
  );

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SHOPIFY_TOKEN = 'shpat_ai_replies_token';
const APP_SECRET = 'messenger-app-secret-for-ai-tests';
const PAGE = '104857600000011';
const SHARED_WHATSAPP = 'whatsapp:+14155238886';
/** Kustomer's fixture customer 1 has this phone (tests/support/kustomer-simulator.ts). */
const KUSTOMER_PHONE = '+15005550001';

let shopify: ShopifySimulator;
let openai: OpenAiSimulator;
let messenger: MessengerSimulator;
let kustomer: KustomerSimulator;
let gw: TestGateway;
let meta: MessengerWebhookSender;
const orgA = newOrgId();
const orgB = newOrgId();
let adminA: string;
let memberA: string;
let adminB: string;
const logLines: string[] = [];

const DRAFT = `mutation($id: ID!) { draftReply(conversationId: $id) {
  text handover reason usage { inputTokens outputTokens model } } }`;

async function connect(token: string, input: string) {
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: ${input}) { integration { ... on IntegrationCommon { status } } } }`,
    {},
    token,
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.connectIntegration.integration.status).toBe('CONNECTED');
}

const services = () => gw.gateway.services;

/** A shopper's message stored the way a channel's webhook stores it. */
async function inbound(
  org: string,
  channel: 'messenger' | 'whatsapp',
  contactId: string,
  text: string,
  at = new Date(),
): Promise<string> {
  await services().conversations.ingest({
    organizationId: org,
    channel,
    accountKey: channel === 'messenger' ? PAGE : SHARED_WHATSAPP,
    fact: { type: 'message', providerMessageId: newMid(), contactId, text, at },
  });
  const row = await gw
    .db('conversations')
    .where({ organization_id: org, channel, contact_id: contactId })
    .first();
  return row.id as string;
}

const usageRows = (org: string) => gw.db('ai_usage').where({ organization_id: org }).orderBy('created_at');
const sends = () => messenger.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
const jobsDone = async () =>
  (await gw.db('jobs').where({ queue: 'ai-reply' }).whereIn('state', ['pending', 'running'])).length === 0;

/** A fulfilled order of the simulator's store with a tracking number: what the shopper asks about. */
function trackedOrder() {
  const order = shopify
    .fixtures('acme-store')
    .orders.find((o: any) => o.fulfillments?.[0]?.trackingInfo?.[0]?.number) as any;
  const tracking = order.fulfillments[0].trackingInfo[0];
  return {
    name: order.name as string,
    number: tracking.number as string,
    company: tracking.company as string,
  };
}

beforeAll(async () => {
  shopify = await startShopifySimulator({ accessToken: SHOPIFY_TOKEN });
  openai = await startOpenAiSimulator();
  messenger = await startMessengerSimulator();
  messenger.assignPage(PAGE, 'Acme Shoes');
  kustomer = await startKustomerSimulator();
  gw = await startTestGateway(
    {
      SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
      SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.baseUrl,
      MESSENGER_APP_ID: '1234567890',
      MESSENGER_APP_SECRET: APP_SECRET,
      MESSENGER_PAGE_ACCESS_TOKEN: messenger.systemUserToken,
      MESSENGER_VERIFY_TOKEN: 'verify-token-for-ai-tests',
      MESSENGER_API_BASE_URL: messenger.baseUrl,
      KUSTOMER_API_KEY: kustomer.apiKey,
      KUSTOMER_API_BASE_URL: kustomer.baseUrlTemplate,
      JOBS_POLL_INTERVAL_MS: '50',
      JOBS_BACKOFF_BASE_MS: '20',
      JOBS_MAX_ATTEMPTS: '3',
    },
    {
      logger: pino(
        { level: 'debug' },
        new Writable({
          write(chunk, _enc, done) {
            logLines.push(String(chunk));
            done();
          },
        }),
      ),
    },
  );
  meta = new MessengerWebhookSender(gw.url, APP_SECRET);
  adminA = await gw.token(orgA, 'admin', 'alice');
  memberA = await gw.token(orgA, 'member', 'mia');
  adminB = await gw.token(orgB, 'admin', 'bob');
  await connect(adminA, '{ shopify: { storeName: "acme-store" } }');
  await connect(adminA, `{ messenger: { pageId: "${PAGE}" } }`);
  await connect(adminA, '{ kustomer: { subdomain: "acme" } }');
  await gw.graphql('{ viewer { orgId } }', {}, adminB);
  await services().ai.updateSettings(orgA, {
    instructions: 'We sell sneakers and hoodies. Friendly and brief. Never promise delivery dates.',
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([shopify?.close(), openai?.close(), messenger?.close(), kustomer?.close()]);
});
afterEach(() => {
  const violations = [...openai.violations, ...messenger.violations, ...kustomer.violations];
  openai.reset();
  messenger.reset();
  kustomer.reset();
  expect(violations).toEqual([]);
});

describe(`draftReply (${ENGINE})`, () => {
  test("an admin's draft cites the tracking number the model fetched from Shopify through order_status", async () => {
    const order = trackedOrder();
    const conversationId = await inbound(
      orgA,
      'messenger',
      '7100000000000001',
      `Where is my order ${order.name}?`,
    );
    openai.enqueue({
      toolCalls: [{ name: 'order_status', arguments: JSON.stringify({ orderName: order.name }) }],
    });
    openai.enqueue({
      content: `Your order ${order.name} is on its way with ${order.company}: tracking ${order.number}.`,
    });

    const { body } = await gw.graphql(DRAFT, { id: conversationId }, adminA);
    expect(body.errors).toBeUndefined();
    const draft = body.data.draftReply;
    expect(draft).toMatchObject({ handover: false, reason: null });
    expect(draft.text).toContain(order.number);

    // The second call to OpenAI carried the tool's answer, holding the number Shopify returned.
    const [first, second] = openai.chatRequests();
    expect(first.messages[0].role).toBe('system');
    expect(first.messages[0].content).toContain('Never promise delivery dates.');
    expect(first.messages.at(-1)).toEqual({ role: 'user', content: `Where is my order ${order.name}?` });
    expect(first.tools.map((t: any) => t.function.name).sort()).toEqual([
      'handover_to_human',
      'order_status',
      'product_availability',
    ]);
    const toolMessage = second.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.content).toContain(order.number);
    expect(JSON.parse(toolMessage.content)).toMatchObject({ found: true, name: order.name });

    // Usage: the sum of what the simulator reported, in the answer and in the rows billing counts.
    const reported = openai.reportedUsage();
    expect(reported).toHaveLength(2);
    const input = reported.reduce((s, u) => s + u.prompt_tokens, 0);
    const output = reported.reduce((s, u) => s + u.completion_tokens, 0);
    expect(draft.usage).toEqual({ inputTokens: input, outputTokens: output, model: expect.any(String) });
    const rows = (await usageRows(orgA)).filter((r) => r.conversation_id === conversationId);
    expect(rows).toHaveLength(2);
    expect(rows.reduce((s, r) => s + r.input_tokens, 0)).toBe(input);
    expect(rows.reduce((s, r) => s + r.output_tokens, 0)).toBe(output);

    // Nothing was sent by drafting.
    expect(sends()).toHaveLength(0);
    const outbound = await gw
      .db('messages')
      .where({ conversation_id: conversationId, direction: 'outbound' });
    expect(outbound).toHaveLength(0);
    const [audit] = await gw.auditLog(adminA, 1, 'action outcome provider');
    expect(audit).toEqual({ action: 'ai.draft_reply', outcome: 'OK', provider: 'MESSENGER' });
  });

  test('invalid tool arguments become a tool message the model reads, and a member may draft', async () => {
    const conversationId = await inbound(orgA, 'messenger', '7100000000000002', 'Do you have hoodies?');
    openai.enqueue({ toolCalls: [{ name: 'order_status', arguments: '{"orderName": 42, "extra": true}' }] });
    openai.enqueue({ toolCalls: [{ name: 'product_availability', arguments: '{"query": "hoodie"}' }] });
    openai.enqueue({ content: 'Yes, we have hoodies in stock.' });
    const { body } = await gw.graphql(DRAFT, { id: conversationId }, memberA);
    expect(body.errors).toBeUndefined();
    expect(body.data.draftReply).toMatchObject({ text: 'Yes, we have hoodies in stock.', handover: false });
    const [, second, third] = openai.chatRequests();
    expect(second.messages.at(-1).content).toContain('Invalid arguments');
    const availability = JSON.parse(third.messages.at(-1).content);
    expect(availability.products.length).toBeGreaterThan(0);
    expect(availability.products[0].title).toMatch(/hoodie/i);
    expect(availability.products[0].variants[0]).toEqual(
      expect.objectContaining({ price: expect.any(String), available: expect.any(Boolean) }),
    );
  });

  test("another organization's conversation is NOT_FOUND and calls no model", async () => {
    const conversationId = await inbound(orgA, 'messenger', '7100000000000003', 'hello');
    const { body } = await gw.graphql(DRAFT, { id: conversationId }, adminB);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(openai.chatRequests()).toHaveLength(0);
  });

  test('the model calling handover_to_human: no text, handover with its reason', async () => {
    const conversationId = await inbound(orgA, 'messenger', '7100000000000004', 'Can I get 50% off?');
    openai.enqueue({
      toolCalls: [{ name: 'handover_to_human', arguments: JSON.stringify({ reason: 'Discount request' }) }],
    });
    const { body } = await gw.graphql(DRAFT, { id: conversationId }, adminA);
    expect(body.data.draftReply).toMatchObject({ text: null, handover: true, reason: 'Discount request' });
  });
});

describe(`automatic replies (${ENGINE})`, () => {
  beforeAll(async () => {
    await services().ai.updateSettings(orgA, { autoReplyChannels: ['messenger', 'whatsapp'] });
  });

  test('an inbound Messenger message inside the window is answered once through the Send API', async () => {
    const psid = '7200000000000001';
    openai.enqueue({ content: 'Hi! Our hoodies ship in 2 days.' });
    const delivered = await meta.send(
      ev.delivery([{ pageId: PAGE, messaging: [ev.text(PAGE, psid, 'How fast do you ship?')] }]),
    );
    expect(delivered.status).toBe(200);
    await until(async () => sends().length === 1 && (await jobsDone()));
    expect(sends()[0]!.body).toMatchObject({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: { text: 'Hi! Our hoodies ship in 2 days.' },
    });
    const conversation = await gw
      .db('conversations')
      .where({ organization_id: orgA, contact_id: psid })
      .first();
    const outbound = await gw
      .db('messages')
      .where({ conversation_id: conversation.id, direction: 'outbound' });
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ sent_by: 'ai', status: 'sent' });
    const [latestInbound] = await gw
      .db('messages')
      .where({ conversation_id: conversation.id, direction: 'inbound' })
      .orderBy('created_at', 'desc');
    expect(outbound[0].idempotency_key).toBe(`ai:${latestInbound.id}`);
  });

  test('the same job run twice at once (a lease taken over) sends one message', async () => {
    const psid = '7200000000000002';
    const conversationId = await inbound(orgA, 'messenger', psid, 'Is the store open on Sunday?');
    openai.enqueue({ content: 'Yes, online all week.' });
    openai.enqueue({ content: 'Yes, online all week.' });
    const s = services();
    const twin = new AutoReplies({
      ai: s.ai,
      drafter: replyDrafter(s),
      handover: new Handover(s.conversationsRepo, s.integrationsRepo, s.runtime),
      conversations: s.conversations,
      repo: s.conversationsRepo,
      jobs: s.jobs,
      jobRunner: s.jobRunner,
      logger: s.logger,
      delayMs: 0,
    });
    const payload = { organizationId: orgA, conversationId };
    await Promise.all([
      twin.run(payload, { id: 't1', logger: s.logger }),
      twin.run(payload, { id: 't2', logger: s.logger }),
    ]);
    // The real job (enqueued by the inbound message) finds the message answered: no third draft.
    await until(jobsDone);
    expect(sends()).toHaveLength(1);
    const outbound = await gw
      .db('messages')
      .where({ conversation_id: conversationId, direction: 'outbound' });
    expect(outbound).toHaveLength(1);
  });

  test("outside Messenger's 24-hour window the channel refuses: no reply, the job is done, not failed", async () => {
    const psid = '7200000000000003';
    openai.enqueue({ content: 'Sorry for the wait!' });
    const old = Date.now() - 25 * 60 * 60 * 1000;
    await meta.send(
      ev.delivery([{ pageId: PAGE, messaging: [ev.text(PAGE, psid, 'anyone there?', newMid(), old)] }]),
    );
    await until(async () => openai.chatRequests().length === 1 && (await jobsDone()));
    expect(sends()).toHaveLength(0);
    const dead = await gw.db('jobs').where({ queue: 'ai-reply', state: 'dead' });
    expect(dead).toHaveLength(0);
  });

  test('the model hands over: nothing sent, needsHuman, no Kustomer conversation for a Messenger PSID', async () => {
    const psid = '7200000000000004';
    openai.enqueue({
      toolCalls: [{ name: 'handover_to_human', arguments: JSON.stringify({ reason: 'Refund dispute' }) }],
    });
    await meta.send(
      ev.delivery([{ pageId: PAGE, messaging: [ev.text(PAGE, psid, 'I was charged twice!')] }]),
    );
    await until(async () => openai.chatRequests().length === 1 && (await jobsDone()));
    expect(sends()).toHaveLength(0);
    const conversation = await gw
      .db('conversations')
      .where({ organization_id: orgA, contact_id: psid })
      .first();
    const { body } = await gw.graphql(
      `query($id: ID!) { organization { conversation(id: $id) { needsHuman } } }`,
      { id: conversation.id },
      adminA,
    );
    expect(body.data.organization.conversation.needsHuman).toBe(true);
    expect(kustomer.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('a WhatsApp shopper asking for a human: one job for the burst, no model call, needsHuman, a Kustomer conversation with the transcript', async () => {
    const contact = `whatsapp:${KUSTOMER_PHONE}`;
    // Two messages in a burst: one job (its singleton key) answers the latest.
    await inbound(orgA, 'whatsapp', contact, 'My parcel is damaged.');
    const conversationId = await inbound(orgA, 'whatsapp', contact, 'I want a human please');
    await until(async () => kustomer.notes.length === 1 && (await jobsDone()));
    expect(openai.chatRequests()).toHaveLength(0);
    const conversation = await gw.db('conversations').where({ id: conversationId }).first();
    expect(conversation.needs_human).toBe(true);
    const outbound = await gw
      .db('messages')
      .where({ conversation_id: conversationId, direction: 'outbound' });
    expect(outbound).toHaveLength(0);
    const posts = kustomer.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ path: '/v1/conversations', body: { customer: expect.any(String) } });
    const note = (posts[1]!.body as { body: string }).body;
    expect(note).toContain('Reason: The shopper asked for a person.');
    expect(note).toContain('Shopper: My parcel is damaged.');
    expect(note).toContain('Shopper: I want a human please');
  });
});

describe(`budget (${ENGINE})`, () => {
  test("past the organization's daily token budget a draft is RATE_LIMITED before any call", async () => {
    await services().ai.updateSettings(orgA, { dailyTokenBudget: 1, autoReplyChannels: [] });
    const conversationId = await inbound(orgA, 'messenger', '7300000000000001', 'What sizes do you have?');
    const before = (await usageRows(orgA)).length;
    const { body } = await gw.graphql(DRAFT, { id: conversationId }, adminA);
    expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(openai.chatRequests()).toHaveLength(0);
    expect((await usageRows(orgA)).length).toBe(before);
  });
});

describe(`logs (${ENGINE})`, () => {
  test('no shopper message, instruction text or drafted reply reaches a log line', async () => {
    const all = logLines.join('');
    expect(all).toContain('ai completion');
    for (const text of [
      'Where is my order',
      'Never promise delivery dates',
      'I want a human please',
      'My parcel is damaged',
      'Hi! Our hoodies ship in 2 days.',
      'I was charged twice',
    ]) {
      expect(all).not.toContain(text);
    }
  });
});
