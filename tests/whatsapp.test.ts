/**
 * WhatsApp through Twilio, end to end against the Twilio simulator (requests validated against
 * Twilio's OpenAPI documents; signed webhooks sent the way Twilio sends them): sending every kind
 * through GraphQL, the 24-hour window, receiving, status callbacks, the shared number's routing
 * between organizations, templates and the sender check.
 */
import twilio from 'twilio';
import {
  newOrgId,
  PROVIDERS_CONFIGURED_OFFLINE,
  startTestGateway,
  type TestGateway,
} from './support/harness';
import { contentSid, startTwilioSimulator, type TwilioSimulator } from './support/twilio-simulator';
import { waitFor } from './support/webhook-helpers';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PUBLIC = 'https://gateway.example.test';
const SHARED = '+14155238886';
const BUSINESS = '+14155550100';
const HOSTED_ELSEWHERE = '+14155550111';
const APPROVED = contentSid();
const PENDING = contentSid();

let sim: TwilioSimulator;
let gw: TestGateway;

beforeAll(async () => {
  sim = await startTwilioSimulator({ publicBaseUrl: PUBLIC });
  gw = await startTestGateway({
    ...PROVIDERS_CONFIGURED_OFFLINE,
    TWILIO_ACCOUNT_SID: sim.accountSid,
    TWILIO_AUTH_TOKEN: sim.authToken,
    TWILIO_WHATSAPP_NUMBER: `whatsapp:${SHARED}`,
    TWILIO_API_BASE_URL: sim.url,
    PUBLIC_BASE_URL: PUBLIC,
    JOBS_POLL_INTERVAL_MS: '50',
    JOBS_BACKOFF_BASE_MS: '20',
  });
  sim.gateway.actualBaseUrl = gw.url;
  sim.accountNumbers.push(SHARED, BUSINESS);
  sim.whatsappSenders.push(SHARED, BUSINESS, HOSTED_ELSEWHERE);
  sim.templates.push(
    {
      sid: APPROVED,
      friendlyName: 'order_update',
      language: 'en',
      variables: { '1': 'name', '2': 'order' },
      approval: { status: 'approved' },
    },
    { sid: PENDING, friendlyName: 'promo', language: 'es', variables: {}, approval: { status: 'pending' } },
    { sid: contentSid(), friendlyName: 'draft', language: 'en', variables: {} },
  );
});
afterAll(async () => {
  await gw?.close();
  await sim?.close();
});
afterEach(() => {
  // Every request the gateway made is valid against Twilio's documents.
  expect(sim.violations).toEqual([]);
  sim.violations.length = 0;
  sim.requests.length = 0;
});

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  replayed
  message { id status kind text errorCode attachments { url } template { id variables { name value } } }
  conversation { id accountKey contact { id name } } } }`;

const CONVERSATIONS = `query { organization { conversations(first: 20, channel: WHATSAPP) { edges { node {
  id accountKey contact { id name } lastInboundAt
  messages(first: 20) { edges { node { direction status kind text errorCode errorMessage attachments { type url contentType } } } } } } } } }`;

async function org(businessNumber?: string) {
  const id = newOrgId();
  const admin = await gw.token(id, 'admin');
  if (businessNumber) {
    const { body } = await gw.graphql(
      `mutation($n: String!) { connectIntegration(input: { whatsapp: { businessNumber: $n } }) {
        integration { ... on WhatsAppIntegration { status businessNumber } } } }`,
      { n: businessNumber },
      admin,
    );
    expect(body.data?.connectIntegration.integration).toEqual({ status: 'CONNECTED', businessNumber });
  }
  return { id, admin };
}

let keys = 0;
const send = (
  token: string,
  contactId: string,
  content: Record<string, unknown>,
  idempotencyKey = `k-${++keys}`,
) => gw.graphql(SEND, { input: { channel: 'WHATSAPP', contactId, content, idempotencyKey } }, token);

async function conversations(token: string) {
  const { body } = await gw.graphql(CONVERSATIONS, {}, token);
  return body.data.organization.conversations.edges.map((e: any) => ({
    ...e.node,
    messages: e.node.messages.edges.map((m: any) => m.node),
  }));
}

const shopper = () => `whatsapp:+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** The shopper writes first, so the customer-care window is open. */
async function openWindow(token: string, to: string, from: string) {
  const { responses, sid } = await sim.inbound({ from, to: `whatsapp:${to}`, body: 'Hi!' });
  expect(responses[0]!.status).toBe(200);
  await waitFor(
    () => conversations(token),
    (list) => list.some((c: any) => c.messages.some((m: any) => m.text === 'Hi!' && c.contact.id === from)),
  );
  return sid;
}

describe(`WhatsApp through Twilio (${ENGINE})`, () => {
  test('a signed inbound message with media becomes a message in the organization of the business number', async () => {
    const a = await org(BUSINESS);
    const from = shopper();
    const { responses } = await sim.inbound({
      from,
      to: `whatsapp:${BUSINESS}`,
      body: 'Is this in stock?',
      profileName: 'Ada',
      media: [
        { url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' },
        { url: 'https://api.twilio.com/media/ME2', contentType: 'application/pdf' },
      ],
    });
    expect(responses.map((r) => r.status)).toEqual([200]);
    const [conversation] = await waitFor(
      () => conversations(a.admin),
      (list) => list.length > 0,
    );
    expect(conversation).toMatchObject({
      accountKey: BUSINESS,
      contact: { id: from, name: 'Ada' },
      messages: [
        {
          direction: 'INBOUND',
          status: 'RECEIVED',
          text: 'Is this in stock?',
          attachments: [
            { type: 'IMAGE', url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' },
            { type: 'FILE', url: 'https://api.twilio.com/media/ME2', contentType: 'application/pdf' },
          ],
        },
      ],
    });
    expect(conversation.lastInboundAt).not.toBeNull();
  });

  test('POST /webhooks/whatsapp is the same endpoint as /webhooks/twilio', async () => {
    const a = await org('+14155550123');
    sim.whatsappSenders.push('+14155550123');
    const from = shopper();
    const { responses } = await sim.inbound({
      from,
      to: 'whatsapp:+14155550123',
      body: 'via whatsapp path',
      path: '/webhooks/whatsapp',
    });
    expect(responses[0]!.status).toBe(200);
    const list = await waitFor(
      () => conversations(a.admin),
      (l) => l.length > 0,
    );
    expect(list[0].messages[0].text).toBe('via whatsapp path');
  });

  test('a forged signature is 401 and stores nothing; a retried delivery is processed once', async () => {
    const a = await org('+14155550124');
    const from = shopper();
    const forged = await sim.inbound({
      from,
      to: 'whatsapp:+14155550124',
      body: 'forged',
      signWith: 'not-the-auth-token',
    });
    expect(forged.responses[0]!.status).toBe(401);
    expect(await gw.db('webhook_events').where({ provider_event_id: forged.sid })).toHaveLength(0);
    // Signed for another URL than the one Twilio was given (a replay against another path).
    const params = {
      MessageSid: `SM${'a'.repeat(32)}`,
      AccountSid: sim.accountSid,
      From: from,
      To: 'whatsapp:+14155550124',
      Body: 'x',
    };
    const replayed = await fetch(`${gw.url}/webhooks/twilio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          sim.authToken,
          `${PUBLIC}/webhooks/other`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(replayed.status).toBe(401);
    // The same, signed for the right URL, is accepted: the refusal above was the URL's.
    expect((await sim.postSigned(`${PUBLIC}/webhooks/twilio`, params)).status).toBe(200);
    // A parameter changed after signing.
    const tampered = await fetch(`${gw.url}/webhooks/twilio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          sim.authToken,
          `${PUBLIC}/webhooks/twilio`,
          params,
        ),
      },
      body: new URLSearchParams({ ...params, Body: 'changed' }).toString(),
    });
    expect(tampered.status).toBe(401);

    const twice = await sim.inbound({ from, to: 'whatsapp:+14155550124', body: 'once', deliveries: 3 });
    expect(twice.responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const list = await waitFor(
      () => conversations(a.admin),
      (l) => l.length > 0 && l[0].messages.length > 1,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect((await conversations(a.admin))[0].messages.map((m: any) => m.text)).toEqual(['once', 'x']);
    expect(list).toHaveLength(1);
    expect(
      await gw.db('webhook_events').where({ provider: 'whatsapp', provider_event_id: twice.sid }),
    ).toHaveLength(1);
  });

  test('text, media and template through sendMessage reach Twilio as the contract says, from the business number', async () => {
    const a = await org('+14155550125');
    sim.whatsappSenders.push('+14155550125');
    const to = shopper();
    await openWindow(a.admin, '+14155550125', to);

    const text = await send(a.admin, to, { text: { body: 'Yes, in stock.' } });
    expect(text.body.errors).toBeUndefined();
    expect(text.body.data.sendMessage.message).toMatchObject({
      status: 'QUEUED',
      kind: 'TEXT',
      text: 'Yes, in stock.',
    });
    const media = await send(a.admin, to, {
      media: { url: 'https://cdn.example.com/p.jpg', type: 'IMAGE', caption: 'Here' },
    });
    expect(media.body.errors).toBeUndefined();
    const template = await send(a.admin, to, {
      template: {
        id: APPROVED,
        variables: [
          { name: '1', value: 'Ada' },
          { name: '2', value: '#1001' },
        ],
      },
    });
    expect(template.body.errors).toBeUndefined();

    const creates = sim.requests.filter((r) => r.operationId === 'CreateMessage').map((r) => r.form);
    expect(creates).toEqual([
      expect.objectContaining({
        From: 'whatsapp:+14155550125',
        To: to,
        Body: 'Yes, in stock.',
        StatusCallback: `${PUBLIC}/webhooks/twilio`,
      }),
      expect.objectContaining({ MediaUrl: ['https://cdn.example.com/p.jpg'], Body: 'Here' }),
      expect.objectContaining({
        ContentSid: APPROVED,
        ContentVariables: JSON.stringify({ 1: 'Ada', 2: '#1001' }),
      }),
    ]);
    // A retried mutation with the same key sends nothing more.
    const again = await send(a.admin, to, { text: { body: 'Yes, in stock.' } }, `k-${keys - 2}`);
    expect(again.body.data.sendMessage.replayed).toBe(true);
    expect(sim.messages.filter((m) => m.to === to)).toHaveLength(3);
  });

  test('a contact given without the whatsapp: prefix is the same shopper, in the same conversation', async () => {
    const number = '+14155550144';
    sim.accountNumbers.push(number);
    sim.whatsappSenders.push(number);
    const a = await org(number);
    const from = shopper();
    await openWindow(a.admin, number, from);
    const bare = from.replace(/^whatsapp:/, '');
    const sent = await send(a.admin, bare, { text: { body: 'Yes, in stock.' } });
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data.sendMessage.conversation.contact.id).toBe(from);
    const mine = (await conversations(a.admin)).filter((c: any) => c.contact.id.endsWith(bare));
    expect(mine).toHaveLength(1);
    expect(mine[0].messages.map((m: any) => m.text)).toEqual(['Yes, in stock.', 'Hi!']);
  });

  test('free-form outside the 24-hour window and buttons are refused before any call; a template starts a conversation', async () => {
    const a = await org();
    const to = shopper();
    for (const content of [
      { text: { body: 'Hello' } },
      { media: { url: 'https://cdn.example.com/p.jpg', type: 'IMAGE' } },
    ]) {
      const res = await send(a.admin, to, content);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.message).toMatch(/template/);
    }
    const buttons = await send(a.admin, to, {
      buttons: { text: 'Pick', buttons: [{ title: 'A', payload: 'a' }] },
    });
    expect(buttons.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(buttons.body.errors?.[0]?.message).toMatch(/approved template/);
    expect(sim.requests.filter((r) => r.operationId === 'CreateMessage')).toHaveLength(0);

    const template = await send(a.admin, to, {
      template: { id: APPROVED, variables: [{ name: '1', value: 'Ada' }] },
    });
    expect(template.body.errors).toBeUndefined();
    // No business number: from the shared one, the status callback naming the organization.
    expect(sim.requests.find((r) => r.operationId === 'CreateMessage')?.form).toMatchObject({
      From: `whatsapp:${SHARED}`,
      StatusCallback: `${PUBLIC}/webhooks/twilio?org=${a.id}`,
    });
  });

  test('status callbacks out of order, and retried, end in the right status; a failure keeps its code', async () => {
    const a = await org('+14155550126');
    sim.whatsappSenders.push('+14155550126');
    const to = shopper();
    await openWindow(a.admin, '+14155550126', to);
    const first = await send(a.admin, to, { text: { body: 'one' } });
    const second = await send(a.admin, to, { text: { body: 'two' } });
    expect(first.body.errors ?? second.body.errors).toBeUndefined();
    const [one, two] = sim.messages.filter((m) => m.to === to);
    const r1 = await sim.statusCallbacks(one!.sid, ['read', 'sent', 'delivered'], { deliveries: 2 });
    expect(r1.every((r) => r.status === 200)).toBe(true);
    await sim.statusCallbacks(two!.sid, ['sent', { status: 'undelivered', errorCode: '63016' }, 'delivered']);
    const done = await waitFor(
      () => conversations(a.admin),
      (list) => {
        const out = list[0]?.messages.filter((m: any) => m.direction === 'OUTBOUND') ?? [];
        return out.some((m: any) => m.status === 'READ') && out.some((m: any) => m.status === 'FAILED');
      },
    );
    const outbound = done[0].messages.filter((m: any) => m.direction === 'OUTBOUND');
    expect(outbound.find((m: any) => m.text === 'one').status).toBe('READ');
    expect(outbound.find((m: any) => m.text === 'two')).toMatchObject({
      status: 'FAILED',
      errorCode: '63016',
      errorMessage: expect.stringMatching(/24 hours/),
    });
    // Each status is its own event; the retried ones were duplicates.
    const events = await gw
      .db('webhook_events')
      .where({ provider: 'whatsapp' })
      .where('provider_event_id', 'like', `${one!.sid}:%`);
    expect(events.map((e: any) => e.provider_event_id).sort()).toEqual(
      [`${one!.sid}:delivered`, `${one!.sid}:read`, `${one!.sid}:sent`].sort(),
    );
  });

  test('replies on the shared number go to the organization that last wrote to that shopper, and never to another', async () => {
    const a = await org();
    const b = await org();
    const shopperA = shopper();
    const shopperB = shopper();
    const stranger = shopper();
    expect((await send(a.admin, shopperA, { template: { id: APPROVED } })).body.errors).toBeUndefined();
    expect((await send(b.admin, shopperB, { template: { id: APPROVED } })).body.errors).toBeUndefined();

    await sim.inbound({ from: shopperA, to: `whatsapp:${SHARED}`, body: 'reply to A' });
    await sim.inbound({ from: shopperB, to: `whatsapp:${SHARED}`, body: 'reply to B' });
    const lone = await sim.inbound({ from: stranger, to: `whatsapp:${SHARED}`, body: 'nobody wrote to me' });

    const inboundOf = async (token: string) =>
      (await conversations(token)).flatMap((c: any) =>
        c.messages.filter((m: any) => m.direction === 'INBOUND').map((m: any) => `${c.contact.id}:${m.text}`),
      );
    expect(
      await waitFor(
        () => inboundOf(a.admin),
        (l) => l.length > 0,
      ),
    ).toEqual([`${shopperA}:reply to A`]);
    expect(
      await waitFor(
        () => inboundOf(b.admin),
        (l) => l.length > 0,
      ),
    ).toEqual([`${shopperB}:reply to B`]);
    const [unrouted] = await waitFor(
      () => gw.db('webhook_events').where({ provider: 'whatsapp', provider_event_id: lone.sid }),
      (rows) => rows[0]?.state === 'unrouted',
    );
    expect(unrouted).toMatchObject({ state: 'unrouted', organization_id: null });

    // A status callback of A's message reaches A even after B wrote to the same shopper.
    expect((await send(b.admin, shopperA, { template: { id: APPROVED } })).body.errors).toBeUndefined();
    const aMessage = sim.messages.find((m) => m.to === shopperA)!;
    await sim.statusCallbacks(aMessage.sid, ['delivered']);
    const aConversations = await waitFor(
      () => conversations(a.admin),
      (list) => list[0]?.messages.some((m: any) => m.status === 'DELIVERED'),
    );
    expect(aConversations[0].messages.find((m: any) => m.direction === 'OUTBOUND').status).toBe('DELIVERED');
    // B's conversation with shopperA has only B's own message.
    const bWithA = (await conversations(b.admin)).find((c: any) => c.contact.id === shopperA);
    expect(bWithA.messages.map((m: any) => m.direction)).toEqual(['OUTBOUND']);
    // And now a reply from shopperA goes to B, the last to write.
    await sim.inbound({ from: shopperA, to: `whatsapp:${SHARED}`, body: 'second reply' });
    expect(
      await waitFor(
        () => inboundOf(b.admin),
        (l) => l.length > 1,
      ),
    ).toContain(`${shopperA}:second reply`);
    expect(await inboundOf(a.admin)).toEqual([`${shopperA}:reply to A`]);
  });

  test('templates are listed with their WhatsApp approval, paged', async () => {
    const a = await org();
    const query = `query($after: String) { organization { integration(provider: WHATSAPP) { ... on WhatsAppIntegration {
      templates(first: 2, after: $after) { edges { node { id name language variables approvalStatus } } pageInfo { hasNextPage endCursor } } } } } }`;
    const first = await gw.graphql(query, {}, a.admin);
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data.organization.integration.templates;
    expect(page1.edges.map((e: any) => e.node)).toEqual([
      {
        id: APPROVED,
        name: 'order_update',
        language: 'en',
        variables: ['1', '2'],
        approvalStatus: 'approved',
      },
      { id: PENDING, name: 'promo', language: 'es', variables: [], approvalStatus: 'pending' },
    ]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gw.graphql(query, { after: page1.pageInfo.endCursor }, a.admin);
    const page2 = second.body.data.organization.integration.templates;
    expect(page2.edges.map((e: any) => e.node.approvalStatus)).toEqual(['unsubmitted']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const foreign = await gw.graphql(query, { after: 'not-a-cursor' }, a.admin);
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('testIntegration says whether the number is a WhatsApp sender of the account', async () => {
    const TEST = `mutation { testIntegration(provider: WHATSAPP) { errorCode integration { ... on WhatsAppIntegration {
      status errorMessage sender { state description } } } } }`;
    const unknown = await org('+14155550199');
    const failed = await gw.graphql(TEST, {}, unknown.admin);
    expect(failed.body.data.testIntegration).toMatchObject({
      errorCode: 'BAD_USER_INPUT',
      integration: {
        status: 'ERROR',
        errorMessage: expect.stringMatching(/not a phone number of the platform's Twilio account/),
      },
    });

    const sandbox = await org(HOSTED_ELSEWHERE);
    sim.messages.push({
      sid: `SM${'b'.repeat(32)}`,
      from: `whatsapp:${HOSTED_ELSEWHERE}`,
      to: shopper(),
      body: 'x',
      mediaUrls: [],
      contentSid: null,
      contentVariables: null,
      statusCallback: null,
      status: 'delivered',
      createdAt: new Date(),
    });
    const ok = await gw.graphql(TEST, {}, sandbox.admin);
    expect(ok.body.data.testIntegration).toMatchObject({
      errorCode: null,
      integration: { status: 'CONNECTED', errorMessage: null, sender: { state: 'WHATSAPP_TRAFFIC' } },
    });
    const lookups = sim.requests.filter((r) => r.operationId === 'ListIncomingPhoneNumber');
    expect(lookups[0]?.query.PhoneNumber).toBe('+14155550199');

    // Without a business number the organization reads the shared number's state.
    const none = await org();
    const SENDER = `query { organization { integration(provider: WHATSAPP) { ... on WhatsAppIntegration { sender { number shared state description } } } } }`;
    sim.accountNumbers.push('+14155550198');
    sim.messages.push({ ...sim.messages.at(-1)!, sid: `SM${'c'.repeat(32)}`, from: `whatsapp:${SHARED}` });
    const notYet = await org('+14155550198');
    const states = await Promise.all([none, notYet].map((o) => gw.graphql(SENDER, {}, o.admin)));
    expect(states.map((r) => r.body.data.organization.integration.sender)).toEqual([
      expect.objectContaining({ number: SHARED, shared: true, state: 'VERIFIED' }),
      expect.objectContaining({
        number: '+14155550198',
        shared: false,
        state: 'ACCOUNT_NUMBER',
        description: expect.stringMatching(/register it in the Twilio Console/),
      }),
    ]);
  });

  test('Twilio refusing the credentials turns the integration ERROR with UPSTREAM_AUTH_FAILED; 429 is retried once', async () => {
    const a = await org('+14155550127');
    sim.whatsappSenders.push('+14155550127');
    sim.failNext(401, 20003);
    sim.failNext(401, 20003);
    const TEST = `mutation { testIntegration(provider: WHATSAPP) { errorCode integration { ... on WhatsAppIntegration { status errorMessage } } } }`;
    const res = await gw.graphql(TEST, {}, a.admin);
    expect(res.body.data.testIntegration.errorCode).toBe('UPSTREAM_AUTH_FAILED');
    expect(res.body.data.testIntegration.integration.errorMessage).toMatch(/TWILIO_AUTH_TOKEN/);

    const to = shopper();
    sim.failNext(429, 20429);
    const sent = await send(a.admin, to, { template: { id: APPROVED } });
    expect(sent.body.errors).toBeUndefined();
    expect(sim.requests.filter((r) => r.operationId === 'CreateMessage')).toHaveLength(2);
    expect(sim.messages.filter((m) => m.to === to)).toHaveLength(1);
  });
});
