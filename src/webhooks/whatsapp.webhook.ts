import twilio from 'twilio';
import { sharedNumber } from '../datasources/whatsapp/whatsapp.number';
import { describeTwilioErrorCode } from '../datasources/whatsapp/whatsapp.errors';
import { toOurStatus } from '../datasources/whatsapp/whatsapp.status';
import type { Attachment, InboundFact } from '../messaging/messaging.types';
import type { InboundEvent, ProviderWebhooks, WebhookRequest } from './webhook.types';

/** The part of the WhatsApp (Twilio) configuration that webhooks read. */
export interface WhatsAppWebhookEnv {
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_WHATSAPP_NUMBER: string;
}

/** Replies on the shared number route to whoever wrote to the shopper within WhatsApp's window. */
const ROUTING_WINDOW_MS = 24 * 60 * 60 * 1000;
const SID = /^(?:SM|MM)[0-9a-fA-F]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Twilio sends at most 10 media per message. */
const MAX_MEDIA = 10;

type Params = Record<string, string | string[]>;

/** Twilio posts application/x-www-form-urlencoded; a repeated name keeps every value. */
export function formParams(rawBody: Buffer): Params {
  const params: Params = {};
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const previous = params[name];
    params[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return params;
}

const one = (params: Record<string, unknown>, name: string): string | undefined => {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
};

const header = (request: WebhookRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** A status callback carries MessageStatus (an inbound message says `received`, or nothing). */
const statusOf = (params: Record<string, unknown>): string | undefined => {
  const status = one(params, 'MessageStatus');
  return status && status !== 'received' && status !== 'receiving' ? status : undefined;
};

/** The shopper's side of the message: From for an inbound message, To for our own message's status. */
const contactOf = (event: Pick<InboundEvent, 'topic' | 'payload'>): string | undefined =>
  one(asRecord(event.payload), event.topic === 'status' ? 'To' : 'From');

/**
 * Twilio's webhooks for WhatsApp (https://www.twilio.com/docs/usage/webhooks/webhooks-security,
 * https://www.twilio.com/docs/messaging/guides/webhook-request): form-encoded, signed in
 * `X-Twilio-Signature` over the URL Twilio was given (PUBLIC_BASE_URL + path and query, since a proxy
 * may stand in front) and the sorted parameters. An inbound message is one event (MessageSid); each
 * status of a sent message is another (`MessageSid:status`), so a retried callback is a duplicate and
 * callbacks in any order each count once.
 */
export const whatsappWebhooks: ProviderWebhooks<WhatsAppWebhookEnv> = {
  configured: (env) => Boolean(env.TWILIO_AUTH_TOKEN),

  verify(request, env) {
    const signature = header(request, 'x-twilio-signature');
    if (!signature) return false;
    // The SDK's validator: HMAC-SHA1 with the auth token, compared in constant time, with and without
    // an explicit port in the URL.
    return twilio.validateRequest(
      env.TWILIO_AUTH_TOKEN,
      signature,
      request.publicUrl,
      formParams(request.rawBody),
    );
  },

  extract(request, env) {
    const params = formParams(request.rawBody);
    const sid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    if (!sid || !SID.test(sid) || one(params, 'AccountSid') !== env.TWILIO_ACCOUNT_SID) return undefined;
    const status = statusOf(params);
    // Our number: where an inbound message went to, where a status callback's message came from.
    const ours = one(params, status ? 'From' : 'To');
    if (!ours) return undefined;
    // Twilio signed the whole URL, so the organization a shared-number send named is authentic.
    const org = new URL(request.url, 'http://gateway.invalid').searchParams.get('org');
    return {
      eventId: status ? `${sid}:${status}` : sid,
      topic: status ? 'status' : 'message',
      account: { businessNumber: ours },
      payload: { ...params, ...(org && UUID.test(org) ? { org } : {}) },
    };
  },

  async route(event, deps, env) {
    const shared = sharedNumber(env);
    // An organization's own number: the claim decides (the default lookup).
    if (event.accountKey !== shared) return undefined;
    const payload = asRecord(event.payload);
    const org = one(payload, 'org');
    if (event.topic === 'status' && org) return org;
    const contactId = contactOf(event);
    if (!contactId) return null;
    return deps.conversations.lastOutboundOrganization({
      channel: 'whatsapp',
      accountKey: shared,
      contactId,
      since: new Date(Date.now() - ROUTING_WINDOW_MS),
    });
  },

  async handle(event, deps) {
    const fact = toFact(event);
    if (!fact || !event.organizationId) return 'unsupported';
    await deps.conversations.ingest({
      organizationId: event.organizationId,
      channel: 'whatsapp',
      accountKey: event.accountKey,
      fact,
    });
    return 'done';
  },
};

/** An inbound message or a status, as the conversation model stores it. */
export function toFact(
  event: Pick<InboundEvent, 'topic' | 'payload' | 'providerEventId'>,
): InboundFact | undefined {
  const p = asRecord(event.payload);
  const sid = one(p, 'MessageSid') ?? one(p, 'SmsSid');
  if (!sid) return undefined;
  const at = new Date();
  if (event.topic === 'status') {
    const status = toOurStatus(one(p, 'MessageStatus'));
    if (!status) return undefined;
    const errorCode = one(p, 'ErrorCode') ?? null;
    return {
      type: 'status',
      providerMessageId: sid,
      status,
      errorCode,
      errorMessage:
        status === 'failed'
          ? (describeTwilioErrorCode(errorCode) ?? 'Twilio could not deliver the message.')
          : null,
      at,
    };
  }
  const contactId = one(p, 'From');
  if (event.topic !== 'message' || !contactId) return undefined;
  return {
    type: 'message',
    providerMessageId: sid,
    contactId,
    contactName: one(p, 'ProfileName') ?? null,
    text: one(p, 'Body') ?? null,
    attachments: attachmentsOf(p),
    // A tap on a template's quick-reply button arrives as a message with the button's payload.
    quickReplyPayload: one(p, 'ButtonPayload') ?? null,
    at,
  };
}

/** NumMedia, MediaUrl0…, MediaContentType0… */
function attachmentsOf(p: Record<string, unknown>): Attachment[] {
  const count = Math.min(Number.parseInt(one(p, 'NumMedia') ?? '0', 10) || 0, MAX_MEDIA);
  const attachments: Attachment[] = [];
  for (let i = 0; i < count; i++) {
    const url = one(p, `MediaUrl${i}`);
    if (!url) continue;
    const contentType = one(p, `MediaContentType${i}`) ?? null;
    attachments.push({ type: attachmentType(contentType), url, contentType });
  }
  return attachments;
}

function attachmentType(contentType: string | null): Attachment['type'] {
  const kind = contentType?.split('/')[0];
  return kind === 'image' || kind === 'video' || kind === 'audio' ? kind : 'file';
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
