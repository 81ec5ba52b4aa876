/**
 * A local Graph API for Messenger, built from Meta's documented shapes. Meta publishes no OpenAPI for
 * Messenger; the Send API's request and response samples are the Postman collection in
 * contracts/messenger/ (Meta's fbsamples), the rest is contracts/PROVIDER-FACTS.md:
 * - `POST /{version}/{page-id}/messages` with `Authorization: Bearer <that Page's token>`: `recipient{id}`,
 *   `messaging_type` (RESPONSE | UPDATE | MESSAGE_TAG, with `tag` exactly when MESSAGE_TAG; the docs mark
 *   it required, the collection's text sample leaves it out), `message` with exactly one of `text` or
 *   `attachment` (image|video|audio|file with `payload.url`, or a button template: `template_type`
 *   button, `text`, 1–3 `web_url`/`postback` buttons), `quick_replies` (≤ 13, text only); or
 *   `sender_action` (mark_seen | typing_on | typing_off) with no message. Answers `{recipient_id, message_id}`.
 * - `GET /{version}/{page-id}?fields=access_token` with the platform's System User token: the Page's
 *   token when the Page is assigned to the platform's business; Graph's error 100/33 otherwise.
 * - `GET /{version}/{page-id}?fields=id,name` with the Page's token; `GET /{version}/me?metadata=1`.
 * - Errors `{error: {message, type, code, error_subcode, fbtrace_id}}`, HTTP 400 as Graph sends them.
 * Every deviation from these shapes is recorded in `violations` (tests assert it stays empty).
 *
 * It also sends webhooks the way Meta does: the JSON escaped (non-ASCII as \uXXXX, `/` as `\/`) and
 * signed over exactly those bytes in `X-Hub-Signature-256`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;

export interface GraphRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
  body: Json | undefined;
}

export interface GraphFailure {
  code: number;
  subcode?: number;
  status?: number;
  type?: string;
  /** Only calls to this path part (e.g. "/messages"); any call without. */
  pathIncludes?: string;
}

export interface MessengerSimulator {
  baseUrl: string;
  version: string;
  /** The platform's System User token (MESSENGER_PAGE_ACCESS_TOKEN). */
  systemUserToken: string;
  requests: GraphRequestRecord[];
  violations: string[];
  /** Send API calls that passed validation, in order. */
  sent: Json[];
  /** The `message_id` answered for each of `sent` (what Meta's delivery receipts name). */
  messageIds: string[];
  /** Pages assigned to the platform's business (the System User can get their tokens). */
  assignPage(pageId: string, name?: string): void;
  unassignPage(pageId: string): void;
  /** The current token of a Page (a real Page token would be how the gateway is configured for one Page). */
  pageToken(pageId: string): string;
  /** Issues the Page a new token: the old one is refused with code 190 from now on. */
  rotatePageToken(pageId: string): void;
  failNext(failure: GraphFailure, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
const TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'HUMAN_AGENT',
  'CUSTOMER_FEEDBACK',
];
const MEDIA = ['image', 'video', 'audio', 'file'];
const SENDER_ACTIONS = ['mark_seen', 'typing_on', 'typing_off'];
const SYSTEM_USER_ID = '100000000000001';

/** An EAA… token like Meta's (the logger redacts this shape). */
const newToken = () => `EAA${randomBytes(24).toString('hex')}`;

export async function startMessengerSimulator(
  options: { version?: string } = {},
): Promise<MessengerSimulator> {
  const version = options.version ?? 'v25.0';
  const pages = new Map<string, { name: string; token: string; assigned: boolean }>();
  const failures: GraphFailure[] = [];
  let messageCounter = 0;

  const sim: MessengerSimulator = {
    baseUrl: '',
    version,
    systemUserToken: newToken(),
    requests: [],
    violations: [],
    sent: [],
    messageIds: [],
    assignPage(pageId, name = `Page ${pageId}`) {
      const page = pages.get(pageId);
      if (page) page.assigned = true;
      else pages.set(pageId, { name, token: newToken(), assigned: true });
    },
    unassignPage(pageId) {
      const page = pages.get(pageId);
      if (page) page.assigned = false;
    },
    pageToken(pageId) {
      if (!pages.has(pageId))
        pages.set(pageId, { name: `Page ${pageId}`, token: newToken(), assigned: false });
      return pages.get(pageId)!.token;
    },
    rotatePageToken(pageId) {
      const page = pages.get(pageId);
      if (page) page.token = newToken();
    },
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    reset() {
      sim.requests.length = 0;
      sim.violations.length = 0;
      sim.sent.length = 0;
      sim.messageIds.length = 0;
      failures.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const pageOfToken = (token: string | undefined) =>
    [...pages.entries()].find(([, page]) => page.token === token)?.[0];

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const query = Object.fromEntries(url.searchParams);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    let body: Json | undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        sim.violations.push(`${req.method} ${url.pathname}: body is not JSON`);
      }
    }
    sim.requests.push({ method: req.method ?? '', path: url.pathname, query, token, body });
    const violation = (message: string) => sim.violations.push(`${req.method} ${url.pathname}: ${message}`);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(payload));
    };
    const graphError = (
      code: number,
      message: string,
      subcode?: number,
      status = 400,
      type = 'OAuthException',
    ) =>
      send(status, {
        error: {
          message,
          type,
          code,
          ...(subcode !== undefined ? { error_subcode: subcode } : {}),
          fbtrace_id: randomBytes(8).toString('base64url'),
        },
      });

    if (!token) {
      violation('no Authorization: Bearer token (the collection authenticates every call with one)');
      return graphError(
        190,
        'An active access token must be used to query information about the current user.',
      );
    }
    if ('access_token' in query) violation('token sent in the query string as well as the header');
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0] !== version) violation(`version segment "${segments[0]}" instead of ${version}`);

    const failureIndex = failures.findIndex((f) => !f.pathIncludes || url.pathname.includes(f.pathIncludes));
    if (failureIndex >= 0) {
      const [failure] = failures.splice(failureIndex, 1);
      return graphError(
        failure!.code,
        `(#${failure!.code}) simulated failure`,
        failure!.subcode,
        failure!.status,
        failure!.type,
      );
    }

    const isSystemUser = token === sim.systemUserToken;
    const tokenPage = pageOfToken(token);
    if (!isSystemUser && !tokenPage)
      return graphError(190, 'Error validating access token: The session has been invalidated.', 460);

    // GET /{version}/me
    if (req.method === 'GET' && segments.length === 2 && segments[1] === 'me') {
      const me = isSystemUser
        ? { id: SYSTEM_USER_ID, name: 'Platform System User', type: 'user' }
        : { id: tokenPage!, name: pages.get(tokenPage!)!.name, type: 'page' };
      return send(200, {
        id: me.id,
        name: me.name,
        ...(query.metadata === '1' ? { metadata: { type: me.type } } : {}),
      });
    }

    // GET /{version}/{page-id}?fields=...
    if (req.method === 'GET' && segments.length === 2) {
      const pageId = segments[1]!;
      const page = pages.get(pageId);
      const fields = (query.fields ?? 'id').split(',');
      const unknownField = fields.find((f) => !['id', 'name', 'access_token'].includes(f));
      if (unknownField) violation(`unknown field ${unknownField}`);
      const visible = page && ((isSystemUser && page.assigned) || tokenPage === pageId);
      if (!visible)
        return graphError(
          100,
          `Unsupported get request. Object with ID '${pageId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          33,
          400,
          'GraphMethodException',
        );
      return send(200, {
        ...(fields.includes('name') ? { name: page.name } : {}),
        ...(fields.includes('access_token') ? { access_token: page.token } : {}),
        id: pageId,
      });
    }

    // POST /{version}/{page-id}/messages
    if (req.method === 'POST' && segments.length === 3 && segments[2] === 'messages') {
      const pageId = segments[1]!;
      if (tokenPage !== pageId) {
        if (isSystemUser) violation('Send API called with the System User token instead of the Page token');
        return graphError(
          190,
          'Error validating access token: the token is not a Page access token for this Page.',
          463,
        );
      }
      if (!/^application\/json/.test(String(req.headers['content-type'])))
        violation('content-type is not JSON');
      const before = sim.violations.length;
      validateSend(body ?? {}, violation);
      if (sim.violations.length > before)
        return graphError(100, '(#100) Invalid parameter', undefined, 400, 'OAuthException');
      if (body!.sender_action) return send(200, { recipient_id: body!.recipient.id });
      sim.sent.push(body!);
      messageCounter += 1;
      const messageId = `m_${randomBytes(12).toString('base64url')}${messageCounter}`;
      sim.messageIds.push(messageId);
      return send(200, { recipient_id: body!.recipient.id, message_id: messageId });
    }

    violation('no such endpoint');
    return graphError(100, 'Unknown path components', 2500);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sim;
}

/** The Send API body rules (reference/send-api, send-messages/quick-replies, reference/templates/button). */
function validateSend(body: Json, violation: (m: string) => void): void {
  const known = ['recipient', 'messaging_type', 'tag', 'message', 'sender_action', 'notification_type'];
  for (const key of Object.keys(body)) if (!known.includes(key)) violation(`unknown field ${key}`);
  if (typeof body.recipient?.id !== 'string' || !/^[0-9]+$/.test(body.recipient.id))
    violation('recipient.id must be a PSID string');
  if (body.sender_action !== undefined) {
    if (!SENDER_ACTIONS.includes(body.sender_action)) violation(`sender_action ${body.sender_action}`);
    if (body.message !== undefined) violation('sender_action is sent without a message');
    return;
  }
  if (!MESSAGING_TYPES.includes(body.messaging_type))
    violation(`messaging_type ${body.messaging_type} (required)`);
  if (body.messaging_type === 'MESSAGE_TAG' && !TAGS.includes(body.tag)) violation(`tag ${body.tag}`);
  if (body.messaging_type !== 'MESSAGE_TAG' && body.tag !== undefined) violation('tag without MESSAGE_TAG');
  const message = body.message;
  if (!message || typeof message !== 'object') return void violation('message is required');
  for (const key of Object.keys(message))
    if (!['text', 'attachment', 'quick_replies', 'metadata'].includes(key))
      violation(`unknown message field ${key}`);
  const hasText = typeof message.text === 'string';
  const hasAttachment = message.attachment !== undefined;
  if (hasText === hasAttachment) violation('message must have exactly one of text or attachment');
  if (hasText && (message.text.length === 0 || [...message.text].length > 2000))
    violation('text must be 1–2000 characters');
  if (message.quick_replies !== undefined) {
    if (
      !Array.isArray(message.quick_replies) ||
      message.quick_replies.length === 0 ||
      message.quick_replies.length > 13
    )
      violation('quick_replies must be 1–13 items');
    else
      for (const reply of message.quick_replies) {
        if (reply.content_type !== 'text') violation(`quick reply content_type ${reply.content_type}`);
        if (typeof reply.title !== 'string' || !reply.title || [...reply.title].length > 20)
          violation('quick reply title must be 1–20 characters');
        if (typeof reply.payload !== 'string' || !reply.payload || reply.payload.length > 1000)
          violation('quick reply payload must be 1–1000 characters');
      }
  }
  if (!hasAttachment) return;
  const attachment = message.attachment;
  if (MEDIA.includes(attachment.type)) {
    const payload = attachment.payload ?? {};
    if (typeof payload.url !== 'string' || !/^https?:\/\//.test(payload.url))
      violation('attachment payload.url');
    if (payload.is_reusable !== undefined && typeof payload.is_reusable !== 'boolean')
      violation('payload.is_reusable must be a boolean');
    return;
  }
  if (attachment.type !== 'template') return void violation(`attachment type ${attachment.type}`);
  const payload = attachment.payload ?? {};
  if (payload.template_type !== 'button') return void violation(`template_type ${payload.template_type}`);
  if (typeof payload.text !== 'string' || !payload.text || [...payload.text].length > 640)
    violation('button template text must be 1–640 characters');
  if (!Array.isArray(payload.buttons) || payload.buttons.length < 1 || payload.buttons.length > 3)
    return void violation('button template must have 1–3 buttons');
  for (const button of payload.buttons) {
    if (typeof button.title !== 'string' || !button.title || [...button.title].length > 20)
      violation('button title must be 1–20 characters');
    if (button.type === 'web_url') {
      if (typeof button.url !== 'string' || !/^https?:\/\//.test(button.url)) violation('web_url button url');
    } else if (button.type === 'postback') {
      if (typeof button.payload !== 'string' || !button.payload) violation('postback button payload');
    } else violation(`button type ${button.type}`);
  }
}

// ── Webhooks ─────────────────────────────────────────────────────────────────────────────────────

/** Meta's serialization: non-ASCII escaped as \uXXXX and `/` as `\/`; the signature is over these bytes. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('/', '\\/');
}

export interface SentWebhook {
  status: number;
  body: any;
}

export class MessengerWebhookSender {
  constructor(
    private readonly gatewayUrl: string,
    private readonly appSecret: string,
  ) {}

  sign(payload: unknown, secret = this.appSecret): { headers: Record<string, string>; body: string } {
    const body = metaJson(payload);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`,
      },
    };
  }

  send(payload: unknown, path = '/webhooks/messenger'): Promise<SentWebhook> {
    const { headers, body } = this.sign(payload);
    return this.post(headers, body, path);
  }

  /** Meta retries a delivery it got no 200 for with the same bytes: `copies` at once. */
  sendCopies(payload: unknown, copies: number): Promise<SentWebhook[]> {
    const { headers, body } = this.sign(payload);
    return Promise.all(Array.from({ length: copies }, () => this.post(headers, body)));
  }

  async post(
    headers: Record<string, string>,
    body: string,
    path = '/webhooks/messenger',
  ): Promise<SentWebhook> {
    const res = await fetch(`${this.gatewayUrl}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // a text answer
    }
    return { status: res.status, body: parsed };
  }
}

let midCounter = 0;
export const newMid = () => `m_${randomBytes(16).toString('base64url')}${++midCounter}`;

/** Payload builders shaped like Meta's webhook events (reference/webhook-events). */
export const messengerEvents = {
  delivery: (entries: Array<{ pageId: string; messaging: Json[] }>) => ({
    object: 'page',
    entry: entries.map(({ pageId, messaging }) => ({ id: pageId, time: Date.now(), messaging })),
  }),
  text: (pageId: string, psid: string, text: string, mid = newMid(), timestamp = Date.now()) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp,
    message: { mid, text },
  }),
  quickReply: (pageId: string, psid: string, text: string, payload: string, mid = newMid()) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: Date.now(),
    message: { mid, text, quick_reply: { payload } },
  }),
  attachments: (
    pageId: string,
    psid: string,
    items: Array<{ type: string; url: string }>,
    mid = newMid(),
  ) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: Date.now(),
    message: { mid, attachments: items.map(({ type, url }) => ({ type, payload: { url } })) },
  }),
  postback: (
    pageId: string,
    psid: string,
    title: string,
    payload: string,
    mid: string | undefined = newMid(),
  ) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: Date.now(),
    postback: { title, payload, ...(mid ? { mid } : {}) },
  }),
  read: (pageId: string, psid: string, watermark: number) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: Date.now(),
    read: { watermark },
  }),
  deliveryReceipt: (pageId: string, psid: string, mids: string[], watermark: number) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: Date.now(),
    delivery: { mids, watermark },
  }),
  echo: (pageId: string, psid: string, text: string, mid = newMid()) => ({
    sender: { id: pageId },
    recipient: { id: psid },
    timestamp: Date.now(),
    message: { mid, text, is_echo: true, app_id: 1234567890 },
  }),
};
