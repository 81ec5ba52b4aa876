import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  PROVIDERS_CONFIGURED_OFFLINE,
  TEST_JWT_SECRET,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';
import { issueToken } from '../src/auth/token-issuer';
import { ShopifyWebhookSender, shopifyPayloads } from './support/shopify-webhooks';
import { connectShopify } from './support/webhook-helpers';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SECRET = 'shopify-webhook-secret-for-conversations';
const PAGE = '1029384756';

let gw: TestGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gw = await startTestGateway({
    ...PROVIDERS_CONFIGURED_OFFLINE,
    SHOPIFY_WEBHOOK_SECRET: SECRET,
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
  });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await gw.close();
});

const wsUrl = () => `${gw.url.replace('http', 'ws')}/graphql`;

function connect(connectionParams: Record<string, unknown>): Client {
  const client = createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // Refused connections are asserted by the tests (close codes); the default logs them.
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  return client;
}

/** Subscribes and collects every event with the time it arrived. */
function collect<T>(client: Client, query: string) {
  const received: { at: number; data: T }[] = [];
  const errors: unknown[] = [];
  let closed: unknown;
  const stop = client.subscribe<T>(
    { query },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        else received.push({ at: performance.now(), data: value.data as T });
      },
      error: (error) => {
        closed = error;
      },
      complete: () => undefined,
    },
  );
  return { received, errors, stop, closed: () => closed };
}

/** Resolves once the server acknowledged the connection (subscriptions are live from then on). */
const connected = (client: Client) =>
  new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(event));
  });

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const MESSAGE_EVENTS = `subscription { messageEvents { type channel conversationId
  message { direction status text } } }`;

async function orgWithToken(role: 'admin' | 'member' = 'admin') {
  const orgId = newOrgId();
  const token = await gw.token(orgId, role);
  // The organization row is created by its first request.
  await gw.graphql('{ viewer { userId } }', {}, token);
  return { orgId, token };
}

const ingestText = (orgId: string, mid: string, text: string, contactId = 'psid-42') =>
  gw.gateway.services.conversations.ingest({
    organizationId: orgId,
    channel: 'messenger',
    accountKey: PAGE,
    fact: { type: 'message', providerMessageId: mid, contactId, contactName: 'Ada', text, at: new Date() },
  });

describe(`conversations over GraphQL (${ENGINE})`, () => {
  test("lists an organization's conversations and messages; another organization's id reads as null", async () => {
    const a = await orgWithToken();
    const b = await orgWithToken();
    await ingestText(a.orgId, `m-${a.orgId}-1`, 'Where is my order?');
    await ingestText(a.orgId, `m-${a.orgId}-2`, 'It was #1001');
    const { body } = await gw.graphql(
      `{ organization { conversations(first: 5) { edges { node { id channel accountKey contact { id name }
        lastActivityAt lastInboundAt needsHuman status
        messages(first: 1) { edges { node { direction status kind text } } pageInfo { hasNextPage endCursor } } } } } } }`,
      {},
      a.token,
    );
    const [edge] = body.data.organization.conversations.edges;
    expect(edge.node).toMatchObject({
      channel: 'MESSENGER',
      accountKey: PAGE,
      contact: { id: 'psid-42', name: 'Ada' },
      needsHuman: false,
      status: 'OPEN',
    });
    // Newest first.
    expect(edge.node.messages.edges[0].node).toEqual({
      direction: 'INBOUND',
      status: 'RECEIVED',
      kind: 'TEXT',
      text: 'It was #1001',
    });
    expect(edge.node.messages.pageInfo.hasNextPage).toBe(true);
    const older = await gw.graphql(
      `query($id: ID!, $after: String) { organization { conversation(id: $id) { messages(first: 5, after: $after) {
        edges { node { text } } pageInfo { hasNextPage } } } } }`,
      { id: edge.node.id, after: edge.node.messages.pageInfo.endCursor },
      a.token,
    );
    expect(older.body.data.organization.conversation.messages).toEqual({
      edges: [{ node: { text: 'Where is my order?' } }],
      pageInfo: { hasNextPage: false },
    });

    const foreign = await gw.graphql(
      `query($id: ID!) { organization { conversation(id: $id) { id contact { id } } conversations { edges { node { id } } } } }`,
      { id: edge.node.id },
      b.token,
    );
    expect(foreign.body.data.organization).toEqual({ conversation: null, conversations: { edges: [] } });
  });

  test('sendMessage validates every input before anything is stored, and audits the attempt', async () => {
    const { orgId, token } = await orgWithToken('member');
    const send = (input: Record<string, unknown>) =>
      gw.graphql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }`,
        { input },
        token,
      );
    const base = { channel: 'MESSENGER', contactId: 'psid-1', idempotencyKey: 'k-1' };
    const refused = [
      { ...base, content: { text: { body: 'hi\u0000there' } } },
      { ...base, content: { text: { body: '' } } },
      { ...base, content: { text: { body: 'x'.repeat(2001) } } },
      { ...base, content: { media: { url: 'javascript:alert(1)', type: 'IMAGE' } } },
      { ...base, content: { media: { url: '/relative.png', type: 'IMAGE' } } },
      { ...base, content: { buttons: { text: 'Pick', buttons: [] } } },
      {
        ...base,
        content: {
          buttons: { text: 'Pick', buttons: [{ title: 'A', payload: 'a', url: 'https://x.test' }] },
        },
      },
      { ...base, idempotencyKey: '', content: { text: { body: 'hi' } } },
      { ...base, idempotencyKey: 'k\n1', content: { text: { body: 'hi' } } },
      { ...base, idempotencyKey: 'k'.repeat(201), content: { text: { body: 'hi' } } },
      { idempotencyKey: 'k-2', content: { text: { body: 'hi' } } },
      { ...base, conversationId: '00000000-0000-4000-8000-000000000000', content: { text: { body: 'hi' } } },
    ];
    for (const input of refused) {
      const { body } = await send(input);
      expect({ input, code: body.errors?.[0]?.extensions?.code }).toEqual({ input, code: 'BAD_USER_INPUT' });
    }
    // Two kinds at once is refused by @oneOf itself.
    const both = await send({
      ...base,
      content: { text: { body: 'hi' }, media: { url: 'https://x.test/a.png', type: 'IMAGE' } },
    });
    expect(both.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await gw.db('messages').where({ organization_id: orgId })).toEqual([]);

    // A member may send (support agents reply); Messenger is not connected for this organization.
    const { body } = await send({ ...base, content: { text: { body: 'Hello' } } });
    expect(body.errors?.[0]?.extensions?.code).toBe('INTEGRATION_NOT_CONNECTED');
    const [entry] = await gw.auditLog(token, 1);
    expect(entry).toMatchObject({
      action: 'message.send',
      outcome: 'ERROR',
      errorCode: 'INTEGRATION_NOT_CONNECTED',
      provider: 'MESSENGER',
    });

    const foreign = await gw.graphql(
      `mutation($id: ID!) { markConversationRead(conversationId: $id) { conversation { id } } }`,
      { id: '00000000-0000-4000-8000-000000000000' },
      token,
    );
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('markConversationRead records the read state (members may)', async () => {
    const { orgId, token } = await orgWithToken('member');
    await ingestText(orgId, `read-${orgId}`, 'hello');
    const [conversation] = await gw.db('conversations').where({ organization_id: orgId });
    const { body } = await gw.graphql(
      `mutation($id: ID!) { markConversationRead(conversationId: $id) { conversation { id lastReadAt } } }`,
      { id: conversation.id },
      token,
    );
    expect(body.data.markConversationRead.conversation.lastReadAt).toEqual(expect.any(String));
    const [entry] = await gw.auditLog(token, 1);
    expect(entry).toMatchObject({
      action: 'conversation.mark_read',
      outcome: 'OK',
      provider: 'MESSENGER',
      accountKey: PAGE,
    });
  });
});

describe(`subscriptions over graphql-ws (${ENGINE})`, () => {
  test("an ingested message reaches its organization's subscribers promptly, and no other organization's", async () => {
    const a = await orgWithToken('member');
    const b = await orgWithToken('admin');
    const clientA = connect({ authorization: `Bearer ${a.token}` });
    const clientB = connect({ token: b.token });
    const mine = collect<{ messageEvents: any }>(clientA, MESSAGE_EVENTS);
    const theirs = collect<{ messageEvents: any }>(clientB, MESSAGE_EVENTS);
    await Promise.all([connected(clientA), connected(clientB)]);
    await new Promise((r) => setTimeout(r, 100)); // the subscribe message is processed

    // Warm-up, then measured.
    await ingestText(a.orgId, `warm-${a.orgId}`, 'warm-up');
    await until(() => mine.received.length === 1);
    const started = performance.now();
    await ingestText(a.orgId, `live-${a.orgId}`, 'Is it in stock?');
    await until(() => mine.received.length === 2);
    const event = mine.received[1]!;
    // Pushed as it happens (the 100 ms target itself is the benchmark's to measure, not a timed test's).
    expect(event.at - started).toBeLessThan(1000);
    expect(event.data.messageEvents).toMatchObject({
      type: 'MESSAGE_RECEIVED',
      channel: 'MESSENGER',
      message: { direction: 'INBOUND', status: 'RECEIVED', text: 'Is it in stock?' },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(theirs.received).toEqual([]);
    expect(mine.errors).toEqual([]);
  });

  test("Shopify's orders/updated from the inbox reaches the store's organization only, without the payload", async () => {
    const a = await orgWithToken('admin');
    const b = await orgWithToken('admin');
    await connectShopify(gw, a.token, 'live-events-store');
    const clientA = connect({ token: a.token });
    const clientB = connect({ token: b.token });
    const query = `subscription { shopifyEvents { topic resourceId adminGraphqlApiId webhookEventId at } }`;
    const mine = collect<{ shopifyEvents: any }>(clientA, query);
    const theirs = collect<{ shopifyEvents: any }>(clientB, query);
    await Promise.all([connected(clientA), connected(clientB)]);
    await new Promise((r) => setTimeout(r, 100));

    const sender = new ShopifyWebhookSender(gw.url, SECRET);
    const order = shopifyPayloads.order(1001, { id: 4242, email: 'ada@example.com' });
    const sent = await sender.send({ topic: 'orders/updated', shop: 'live-events-store', payload: order });
    expect(sent.status).toBe(200);
    const stored = performance.now();
    await until(() => mine.received.length === 1);
    expect(mine.received[0]!.at - stored).toBeLessThan(1000);
    expect(mine.received[0]!.data.shopifyEvents).toMatchObject({
      topic: 'orders/updated',
      resourceId: '1001',
    });
    expect(JSON.stringify(mine.received[0]!.data)).not.toContain('ada@example.com');
    await new Promise((r) => setTimeout(r, 200));
    expect(theirs.received).toEqual([]);
  });

  test('a missing token closes with 4401, a refused one with 4403; queries are refused over WebSocket', async () => {
    const closeCode = (params: Record<string, unknown>) =>
      new Promise<number>((resolve) => {
        const client = connect(params);
        client.on('closed', (event) => resolve((event as { code: number }).code));
      });
    expect(await closeCode({})).toBe(4401);
    expect(await closeCode({ token: 'not-a-jwt' })).toBe(4403);
    const otherSecret = (await gw.token(newOrgId(), 'admin')).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    expect(await closeCode({ authorization: `Bearer ${otherSecret}` })).toBe(4403);
    // A connection does not outlive its token.
    const shortLived = await issueToken(
      TEST_JWT_SECRET,
      { sub: 'short-lived', orgId: newOrgId(), role: 'member' },
      { expiresIn: Math.floor(Date.now() / 1000) + 2 },
    );
    const openedAt = Date.now();
    expect(await closeCode({ token: shortLived })).toBe(4403);
    expect(Date.now() - openedAt).toBeGreaterThan(500);

    const { token } = await orgWithToken();
    const client = connect({ token });
    const query = collect(client, '{ viewer { userId } }');
    await until(() => query.errors.length > 0 || query.closed() !== undefined);
    expect(JSON.stringify(query.errors.length ? query.errors : query.closed())).toContain(
      'Only subscriptions',
    );
  });

  test('the complexity limits apply on the WebSocket path too', async () => {
    const { token } = await orgWithToken();
    const client = connect({ token });
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: text`).join(' ');
    const result = collect(client, `subscription { messageEvents { message { ${aliases} } } }`);
    await until(() => result.errors.length > 0 || result.closed() !== undefined);
    expect(JSON.stringify(result.errors.length ? result.errors : result.closed())).toContain(
      'QUERY_TOO_COMPLEX',
    );
  });

  const withRedis = process.env.TEST_REDIS_URL ? test : test.skip;
  withRedis('with REDIS_URL an event published by one instance reaches subscribers of another', async () => {
    const other = await startTestGateway({ REDIS_URL: process.env.TEST_REDIS_URL! });
    try {
      const { orgId, token } = await orgWithToken();
      const client = connect({ token });
      const events = collect<{ messageEvents: any }>(
        client,
        `subscription { messageEvents { type conversationId } }`,
      );
      await connected(client);
      await new Promise((r) => setTimeout(r, 200));
      await other.gateway.services.organizations.ensure(orgId, undefined);
      await other.gateway.services.conversations.ingest({
        organizationId: orgId,
        channel: 'whatsapp',
        accountKey: '+14155238886',
        fact: {
          type: 'message',
          providerMessageId: `SM${orgId.replaceAll('-', '')}`,
          contactId: 'whatsapp:+15550001111',
          text: 'hi',
          at: new Date(),
        },
      });
      await until(() => events.received.length === 1);
      expect(events.received[0]!.data.messageEvents.type).toBe('MESSAGE_RECEIVED');
    } finally {
      await other.close();
    }
  });
});
