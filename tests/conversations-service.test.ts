import pino from 'pino';
import type { Db } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { GatewayError } from '../src/errors/gateway-error';
import { ConversationsRepo } from '../src/messaging/conversations.repo';
import { ConversationsService } from '../src/messaging/conversations.service';
import { LiveEvents, type MessageEventModel } from '../src/messaging/live-events';
import type {
  MessagingChannel,
  OutboundContent,
  SendContext,
  SendResult,
} from '../src/messaging/messaging.types';
import type { IntegrationsRepo } from '../src/db/integrations.repo';
import type { MessagingTarget } from '../src/services/provider-runtime';
import { createTestDatabase, newOrgId, testPostgresUrl } from './support/harness';

const ENGINE = testPostgresUrl() ? 'PostgreSQL' : 'PGlite';
const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** Provider ids are unique across the whole run, as a provider's are. */
let sent = 0;

/** A channel that records its calls; `answer` decides each send's outcome. */
class FakeChannel implements MessagingChannel {
  channel = 'messenger' as const;
  sends: { content: OutboundContent; context: SendContext }[] = [];
  actions: string[] = [];
  answer: (n: number) => Promise<SendResult> = async (n) => ({
    providerMessageId: `mid.${n}`,
    status: 'sent',
  });
  async send(content: OutboundContent, context: SendContext): Promise<SendResult> {
    this.sends.push({ content, context });
    sent += 1;
    return this.answer(sent);
  }
  async senderAction(action: 'mark_seen' | 'typing_on' | 'typing_off'): Promise<void> {
    this.actions.push(action);
  }
}

let db: Db;
let live: LiveEvents;
let channel: FakeChannel;
let service: ConversationsService;
const PAGE = '1234567890';

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateToLatest(db);
  live = new LiveEvents({}, silent);
  const integrations = { listForOrganization: async () => [] } as unknown as IntegrationsRepo;
  const runtime = {
    messagingChannelFor: (): MessagingTarget => ({ channel, accountKey: PAGE, shared: false }),
  };
  service = new ConversationsService(new ConversationsRepo(db), integrations, runtime, live);
});
afterAll(async () => {
  await live.close();
  await db.destroy();
});
beforeEach(() => {
  channel = new FakeChannel();
});

async function newOrg(): Promise<string> {
  const id = newOrgId();
  await db('organizations').insert({ id, name: 'Org' });
  return id;
}

const inbound = (organizationId: string, mid: string, at = new Date(), contactId = 'psid-1') =>
  service.ingest({
    organizationId,
    channel: 'messenger',
    accountKey: PAGE,
    fact: { type: 'message', providerMessageId: mid, contactId, contactName: 'Ann', text: 'hi', at },
  });

const send = (organizationId: string, key: string, conversationId?: string) =>
  service.send({
    organizationId,
    userId: 'agent-1',
    requestId: 'req-1',
    logger: silent,
    idempotencyKey: key,
    content: { kind: 'text', text: 'Hello!' },
    ...(conversationId ? { conversationId } : { channel: 'messenger', contactId: 'psid-1' }),
  });

/** Collects the events the organization's subscribers see. */
function listen(organizationId: string): { events: MessageEventModel[]; stop: () => void } {
  const iterator = live.messageEvents(organizationId);
  const events: MessageEventModel[] = [];
  void (async () => {
    for await (const event of { [Symbol.asyncIterator]: () => iterator }) events.push(event);
  })();
  return { events, stop: () => void iterator.return?.() };
}

describe(`conversations service (${ENGINE})`, () => {
  test('an inbound message is stored once however often it is delivered, and announced once', async () => {
    const org = await newOrg();
    const other = await newOrg();
    const mine = listen(org);
    const theirs = listen(other);
    await inbound(org, 'm-1');
    await inbound(org, 'm-1');
    await new Promise((r) => setTimeout(r, 20));
    const rows = await db('messages').where({ organization_id: org });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ direction: 'inbound', status: 'received', text: 'hi', kind: 'text' });
    const [conversation] = await db('conversations').where({ organization_id: org });
    expect(conversation).toMatchObject({ contact_id: 'psid-1', contact_name: 'Ann', account_key: PAGE });
    expect(mine.events.map((e) => e.type)).toEqual(['MESSAGE_RECEIVED']);
    expect(theirs.events).toEqual([]);
    mine.stop();
    theirs.stop();
  });

  test('statuses only move forward, failed is final, and a status for an unknown message is retried', async () => {
    const org = await newOrg();
    const { message } = await send(org, 'k-status');
    const status = (s: 'queued' | 'sent' | 'delivered' | 'read' | 'failed', errorCode?: string) =>
      service.ingest({
        organizationId: org,
        channel: 'messenger',
        accountKey: PAGE,
        fact: {
          type: 'status',
          providerMessageId: message.provider_message_id!,
          status: s,
          errorCode,
          at: new Date(),
        },
      });
    await status('delivered');
    await status('queued');
    await status('sent');
    expect((await db('messages').where({ id: message.id }).first()).status).toBe('delivered');
    await status('read');
    await status('failed', '63016');
    expect((await db('messages').where({ id: message.id }).first()).status).toBe('read');

    const { message: second } = await send(org, 'k-status-2');
    await service.ingest({
      organizationId: org,
      channel: 'messenger',
      accountKey: PAGE,
      fact: {
        type: 'status',
        providerMessageId: second.provider_message_id!,
        status: 'failed',
        errorCode: '63016',
        at: new Date(),
      },
    });
    await service.ingest({
      organizationId: org,
      channel: 'messenger',
      accountKey: PAGE,
      fact: {
        type: 'status',
        providerMessageId: second.provider_message_id!,
        status: 'delivered',
        at: new Date(),
      },
    });
    expect(await db('messages').where({ id: second.id }).first()).toMatchObject({
      status: 'failed',
      error_code: '63016',
    });

    await expect(
      service.ingest({
        organizationId: org,
        channel: 'messenger',
        accountKey: PAGE,
        fact: { type: 'status', providerMessageId: 'never-sent', status: 'sent', at: new Date() },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Another organization cannot move this organization's message.
    const other = await newOrg();
    await expect(
      service.ingest({
        organizationId: other,
        channel: 'messenger',
        accountKey: PAGE,
        fact: {
          type: 'status',
          providerMessageId: message.provider_message_id!,
          status: 'read',
          at: new Date(),
        },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a read watermark marks every outbound message up to it, and none after', async () => {
    const org = await newOrg();
    await inbound(org, 'w-in');
    const { message: early } = await send(org, 'w-1');
    const watermark = new Date();
    await new Promise((r) => setTimeout(r, 5));
    const { message: late } = await send(org, 'w-2');
    await service.ingest({
      organizationId: org,
      channel: 'messenger',
      accountKey: PAGE,
      fact: { type: 'watermark', contactId: 'psid-1', status: 'read', watermark, at: new Date() },
    });
    expect((await db('messages').where({ id: early.id }).first()).status).toBe('read');
    expect((await db('messages').where({ id: late.id }).first()).status).toBe('sent');
  });

  test('the same idempotency key sends once, also when two sends race', async () => {
    const org = await newOrg();
    const first = await send(org, 'same-key');
    const again = await send(org, 'same-key');
    expect(channel.sends).toHaveLength(1);
    expect(again).toMatchObject({ replayed: true, message: { id: first.message.id } });

    let release!: () => void;
    channel.answer = (n) =>
      new Promise((resolve) => {
        release = () => resolve({ providerMessageId: `race.${n}`, status: 'queued' });
      });
    const racing = Promise.all([send(org, 'race-key'), send(org, 'race-key')]);
    await new Promise((r) => setTimeout(r, 100));
    release();
    const [a, b] = await racing;
    expect(channel.sends).toHaveLength(2);
    expect(a.message.id).toBe(b.message.id);
    expect(await db('messages').where({ organization_id: org, idempotency_key: 'race-key' })).toHaveLength(1);
  });

  test('a failed send is stored failed with its code and returns the code; a retry does not send again', async () => {
    const org = await newOrg();
    channel.answer = async () => {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'Messenger is unavailable; retry later.');
    };
    await expect(send(org, 'fail-key')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const row = await db('messages').where({ organization_id: org, idempotency_key: 'fail-key' }).first();
    expect(row).toMatchObject({ status: 'failed', error_code: 'UPSTREAM_UNAVAILABLE' });
    const retry = await send(org, 'fail-key');
    expect(retry.message).toMatchObject({ id: row.id, status: 'failed' });
    expect(channel.sends).toHaveLength(1);

    // A refusal before any call keeps nothing, and the key can be used again.
    channel.answer = async () => {
      throw new GatewayError('BAD_USER_INPUT', 'Outside the 24-hour window a message tag is needed.');
    };
    await expect(send(org, 'refused-key')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await db('messages').where({ organization_id: org, idempotency_key: 'refused-key' })).toEqual([]);
  });

  test("another organization's conversation id is NOT_FOUND for sending and marking read", async () => {
    const org = await newOrg();
    const other = await newOrg();
    await inbound(org, 'x-in');
    const [conversation] = await db('conversations').where({ organization_id: org });
    await expect(send(other, 'x-key', conversation.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      service.markRead({
        organizationId: other,
        conversationId: conversation.id,
        requestId: 'r',
        logger: silent,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(channel.sends).toEqual([]);
    expect(channel.actions).toEqual([]);

    const read = await service.markRead({
      organizationId: org,
      conversationId: conversation.id,
      requestId: 'r',
      logger: silent,
    });
    expect(read.conversation.last_read_at).toBeInstanceOf(Date);
    expect(channel.actions).toEqual(['mark_seen']);
  });

  test('the shared account routes a reply to the organization that last wrote to the contact', async () => {
    const a = await newOrg();
    const b = await newOrg();
    const since = new Date(Date.now() - 1000);
    await send(a, 'shared-a');
    await new Promise((r) => setTimeout(r, 5));
    await send(b, 'shared-b');
    const query = { channel: 'messenger' as const, accountKey: PAGE, contactId: 'psid-1', since };
    expect(await service.lastOutboundOrganization(query)).toBe(b);
    expect(await service.lastOutboundOrganization({ ...query, contactId: 'psid-2' })).toBeNull();
    expect(
      await service.lastOutboundOrganization({ ...query, since: new Date(Date.now() + 1000) }),
    ).toBeNull();
  });
});
