import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Attachment, InboundFact } from '../messaging/messaging.types';
import type { InboundEvent, ProviderWebhooks, WebhookEnvelope } from './webhook.types';

/** The part of Messenger's admin configuration that webhooks read. */
export interface MessengerWebhookEnv {
  MESSENGER_APP_SECRET: string;
  MESSENGER_VERIFY_TOKEN: string;
}

/**
 * Meta's webhooks for Messenger (https://developers.facebook.com/docs/messenger-platform/webhooks ,
 * .../reference/webhook-events; contracts/PROVIDER-FACTS.md):
 * - `GET` with `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`: the challenge echoed when the
 *   token is ours, else 403;
 * - `POST` signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` (Meta signs
 *   its escaped-unicode serialization: only the bytes as sent verify);
 * - `{object: "page", entry: [{id: PAGE_ID, time, messaging: [...]}]}`: one delivery batches events of
 *   several Pages and people; each `messaging` item is one event here.
 */
export const messengerWebhooks: ProviderWebhooks<MessengerWebhookEnv> = {
  configured: (env) => Boolean(env.MESSENGER_APP_SECRET && env.MESSENGER_VERIFY_TOKEN),

  handshake(query, env) {
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (
      mode !== 'subscribe' ||
      typeof token !== 'string' ||
      typeof challenge !== 'string' ||
      !sameText(token, env.MESSENGER_VERIFY_TOKEN)
    )
      return { status: 403, body: 'Forbidden' };
    // Meta sends a number; anything else is not a challenge of Meta's and is not echoed.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return { status: 400, body: 'Bad challenge' };
    return { status: 200, body: challenge };
  },

  verify({ rawBody, headers }, env) {
    const given = headers['x-hub-signature-256'];
    if (typeof given !== 'string' || !env.MESSENGER_APP_SECRET) return false;
    const expected = `sha256=${createHmac('sha256', env.MESSENGER_APP_SECRET).update(rawBody).digest('hex')}`;
    return sameText(given.toLowerCase(), expected);
  },

  extract({ rawBody }) {
    const body = asRecord(JSON.parse(rawBody.toString('utf8')));
    if (body.object !== 'page' || !Array.isArray(body.entry)) return undefined;
    const envelopes: WebhookEnvelope[] = [];
    for (const entry of body.entry.map(asRecord)) {
      const pageId = typeof entry.id === 'string' ? entry.id : undefined;
      if (!pageId) return undefined;
      // `standby` (handover to another app) is not ours to answer.
      const items = Array.isArray(entry.messaging) ? entry.messaging.map(asRecord) : [];
      for (const item of items) envelopes.push({ ...identify(item), account: { pageId }, payload: item });
    }
    return envelopes.length ? envelopes : undefined;
  },

  async handle(event, deps) {
    const facts = factsOf(event);
    if (!facts || !event.organizationId) return 'unsupported';
    for (const fact of facts)
      await deps.conversations.ingest({
        organizationId: event.organizationId,
        channel: 'messenger',
        accountKey: event.accountKey,
        fact,
      });
    return 'done';
  },
};

type Topic = 'message' | 'message_echo' | 'postback' | 'read' | 'delivery' | string;

/**
 * The event's id and topic. A retry of a delivery repeats the same bytes, so each id is stable:
 * the message's `mid`, the watermark of a receipt, else a hash of the item itself.
 */
function identify(item: Record<string, unknown>): { eventId: string; topic: Topic } {
  const sender = idOf(item.sender) ?? 'unknown';
  const message = asRecord(item.message);
  const postback = asRecord(item.postback);
  if (typeof message.mid === 'string' && message.mid)
    return { eventId: message.mid, topic: message.is_echo === true ? 'message_echo' : 'message' };
  if (item.postback) {
    const mid = typeof postback.mid === 'string' && postback.mid ? postback.mid : undefined;
    return { eventId: mid ?? `postback:${hashOf(item)}`, topic: 'postback' };
  }
  const read = asRecord(item.read);
  if (typeof read.watermark === 'number')
    return { eventId: `read:${sender}:${read.watermark}`, topic: 'read' };
  const delivery = asRecord(item.delivery);
  if (typeof delivery.watermark === 'number')
    return { eventId: `delivery:${sender}:${delivery.watermark}`, topic: 'delivery' };
  const topic = ['reaction', 'referral', 'optin', 'account_linking', 'policy_enforcement'].find(
    (k) => k in item,
  );
  return { eventId: `${topic ?? 'other'}:${hashOf(item)}`, topic: topic ?? 'other' };
}

/** The conversation facts of one stored event; undefined for topics the gateway does not act on. */
function factsOf(event: InboundEvent): InboundFact[] | undefined {
  const item = asRecord(event.payload);
  const contactId = idOf(item.sender);
  const at = new Date(typeof item.timestamp === 'number' ? item.timestamp : Date.now());
  if (!contactId) return undefined;
  switch (event.topic) {
    case 'message': {
      const message = asRecord(item.message);
      return [
        {
          type: 'message',
          providerMessageId: event.providerEventId,
          contactId,
          text: typeof message.text === 'string' ? message.text : null,
          attachments: attachmentsOf(message.attachments),
          quickReplyPayload: stringOr(asRecord(message.quick_reply).payload),
          at,
        },
      ];
    }
    case 'postback': {
      const postback = asRecord(item.postback);
      const title = stringOr(postback.title) ?? '';
      return [
        {
          type: 'message',
          providerMessageId: event.providerEventId,
          contactId,
          text: title || null,
          postback: { title, payload: stringOr(postback.payload) ?? '' },
          at,
        },
      ];
    }
    case 'read':
      return [{ type: 'watermark', contactId, status: 'read', watermark: watermarkOf(item.read), at }];
    // `mids` may name messages a person sent from the Page's inbox, which we never stored; the
    // watermark covers every message of ours up to it.
    case 'delivery':
      return [
        { type: 'watermark', contactId, status: 'delivered', watermark: watermarkOf(item.delivery), at },
      ];
    // Echoes are the Page's own sends, already stored when we sent them.
    default:
      return undefined;
  }
}

const ATTACHMENT_TYPES = new Set<Attachment['type']>(['image', 'video', 'audio', 'file']);

/** Media the person sent; other kinds (location, fallback links, templates) carry no file. */
function attachmentsOf(value: unknown): Attachment[] {
  if (!Array.isArray(value)) return [];
  return value.map(asRecord).flatMap((attachment) => {
    const url = asRecord(attachment.payload).url;
    const type = attachment.type as Attachment['type'];
    return ATTACHMENT_TYPES.has(type) && typeof url === 'string' ? [{ type, url }] : [];
  });
}

const watermarkOf = (value: unknown) => {
  const watermark = asRecord(value).watermark;
  return new Date(typeof watermark === 'number' ? watermark : 0);
};

/** Equal texts in constant time; the length of a MAC or a token is no secret. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

const idOf = (value: unknown): string | undefined => {
  const id = asRecord(value).id;
  return typeof id === 'string' && id ? id : undefined;
};

const stringOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
