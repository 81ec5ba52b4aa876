/**
 * A local Twilio for the gateway's tests: a `node:http` server standing in for api.twilio.com,
 * content.twilio.com and messaging.twilio.com (the gateway rewrites every *.twilio.com host to
 * TWILIO_API_BASE_URL). Every request is checked against Twilio's published OpenAPI documents
 * (contracts/twilio/, see twilio-spec.ts), and so is every answer the simulator gives; each problem
 * is recorded in `violations`, which tests assert empty after each test.
 *
 * Checked per request besides the schema: HTTP Basic with the account SID and auth token (else 401
 * with Twilio's error 20003), the account SID in the path, form bodies sent as
 * `application/x-www-form-urlencoded`, and for WhatsApp messages: `whatsapp:` addresses on both ends,
 * a sending number registered as a WhatsApp sender (else Twilio's error 63007), exactly one of Body,
 * MediaUrl or ContentSid kinds, a ContentSid of the account and ContentVariables as a JSON object.
 *
 * It also calls the gateway the way Twilio does: signed webhooks (X-Twilio-Signature from the SDK's
 * own getExpectedTwilioSignature over the URL Twilio was given plus the sorted parameters) for inbound
 * messages and for status callbacks to a message's StatusCallback, with retried deliveries and
 * callbacks in any order.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { twilioApis, typedForm, type TwilioApi } from './twilio-spec';

type Json = Record<string, any>;

export interface TwilioRequestRecord {
  method: string;
  path: string;
  operationId: string | undefined;
  query: Record<string, string>;
  form: Json | undefined;
}

export interface SimMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  contentSid: string | null;
  contentVariables: string | null;
  statusCallback: string | null;
  status: string;
  createdAt: Date;
}

export interface SimTemplate {
  sid: string;
  friendlyName: string;
  language: string;
  variables: Record<string, string>;
  /** WhatsApp approval status; undefined: never submitted. */
  approval?: { status: string; rejectionReason?: string };
}

export interface WebhookDelivery {
  status: number;
  body: string;
}

export interface TwilioSimulator {
  url: string;
  accountSid: string;
  authToken: string;
  /** Phone numbers of the account (IncomingPhoneNumbers), E.164. */
  accountNumbers: string[];
  /** Numbers that may send WhatsApp messages (else 63007), E.164. */
  whatsappSenders: string[];
  messages: SimMessage[];
  templates: SimTemplate[];
  requests: TwilioRequestRecord[];
  violations: string[];
  /** The gateway as Twilio reaches it; the public URL Twilio signs is mapped onto it. */
  gateway: { publicBaseUrl: string; actualBaseUrl: string };
  failNext(status: number, code: number, times?: number): void;
  /** A shopper writes to one of our numbers; posted `deliveries` times (Twilio's retries) to `path`. */
  inbound(input: {
    from: string;
    to: string;
    body?: string;
    profileName?: string;
    media?: Array<{ url: string; contentType: string }>;
    sid?: string;
    path?: string;
    deliveries?: number;
    /** Signs with another token (a forgery). */
    signWith?: string;
  }): Promise<{ sid: string; responses: WebhookDelivery[] }>;
  /** Status callbacks of a sent message, in the order given, to the StatusCallback it was sent with. */
  statusCallbacks(
    sid: string,
    statuses: Array<string | { status: string; errorCode?: string }>,
    options?: { deliveries?: number },
  ): Promise<WebhookDelivery[]>;
  /** Posts form params signed for `publicUrl` (what Twilio was configured with). */
  postSigned(publicUrl: string, params: Record<string, string>, signWith?: string): Promise<WebhookDelivery>;
  reset(): void;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const messageSid = () => `SM${hex(16)}`;
export const contentSid = () => `HX${hex(16)}`;
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

export async function startTwilioSimulator(
  options: { accountSid?: string; authToken?: string; publicBaseUrl?: string } = {},
): Promise<TwilioSimulator> {
  const apis = await twilioApis();
  const failures: Array<{ status: number; code: number }> = [];
  const sim: TwilioSimulator = {
    url: '',
    accountSid: options.accountSid ?? `AC${hex(16)}`,
    authToken: options.authToken ?? hex(16),
    accountNumbers: [],
    whatsappSenders: [],
    messages: [],
    templates: [],
    requests: [],
    violations: [],
    gateway: { publicBaseUrl: options.publicBaseUrl ?? '', actualBaseUrl: '' },
    failNext(status, code, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, code });
    },
    async inbound(input) {
      const sid = input.sid ?? (input.media?.length ? `MM${hex(16)}` : messageSid());
      const params: Record<string, string> = {
        SmsMessageSid: sid,
        NumMedia: String(input.media?.length ?? 0),
        ProfileName: input.profileName ?? 'Shopper',
        MessageType: input.media?.length ? 'image' : 'text',
        SmsSid: sid,
        WaId: input.from.replace(/^whatsapp:\+/, ''),
        SmsStatus: 'received',
        Body: input.body ?? '',
        To: input.to,
        NumSegments: '1',
        ReferralNumMedia: '0',
        MessageSid: sid,
        AccountSid: sim.accountSid,
        From: input.from,
        ApiVersion: '2010-04-01',
      };
      input.media?.forEach((m, i) => {
        params[`MediaUrl${i}`] = m.url;
        params[`MediaContentType${i}`] = m.contentType;
      });
      const publicUrl = `${sim.gateway.publicBaseUrl}${input.path ?? '/webhooks/twilio'}`;
      const responses: WebhookDelivery[] = [];
      for (let i = 0; i < (input.deliveries ?? 1); i++)
        responses.push(await sim.postSigned(publicUrl, params, input.signWith));
      return { sid, responses };
    },
    async statusCallbacks(sid, statuses, { deliveries = 1 } = {}) {
      const message = sim.messages.find((m) => m.sid === sid);
      if (!message?.statusCallback) throw new Error(`message ${sid} has no StatusCallback`);
      const responses: WebhookDelivery[] = [];
      for (const entry of statuses) {
        const { status, errorCode } =
          typeof entry === 'string' ? { status: entry, errorCode: undefined } : entry;
        message.status = status;
        const params: Record<string, string> = {
          SmsSid: sid,
          SmsStatus: status,
          MessageStatus: status,
          ChannelToAddress: message.to.replace(/^whatsapp:/, ''),
          To: message.to,
          ChannelPrefix: 'whatsapp',
          MessageSid: sid,
          AccountSid: sim.accountSid,
          From: message.from,
          ApiVersion: '2010-04-01',
          ChannelInstallSid: `XE${hex(16)}`,
          ...(errorCode ? { ErrorCode: errorCode, EventType: 'UNDELIVERED' } : {}),
        };
        for (let i = 0; i < deliveries; i++)
          responses.push(await sim.postSigned(message.statusCallback, params));
      }
      return responses;
    },
    async postSigned(publicUrl, params, signWith) {
      const signature = twilio.getExpectedTwilioSignature(signWith ?? sim.authToken, publicUrl, params);
      const { publicBaseUrl, actualBaseUrl } = sim.gateway;
      const target =
        publicBaseUrl && publicUrl.startsWith(publicBaseUrl)
          ? `${actualBaseUrl}${publicUrl.slice(publicBaseUrl.length)}`
          : publicUrl;
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
          'i-twilio-idempotency-token': hex(16),
        },
        body: new URLSearchParams(params).toString(),
      });
      return { status: res.status, body: await res.text() };
    },
    reset() {
      sim.messages.length = 0;
      sim.requests.length = 0;
      sim.violations.length = 0;
      failures.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        sim.violations.push(`simulator crashed on ${req.method} ${req.url}: ${(error as Error).stack}`);
        send(res, 500, twilioError(500, 20500, 'Internal Server Error'));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function match(request: Json): { spec: TwilioApi; operation: Json } | undefined {
    for (const spec of apis) {
      const operation = spec.api.matchOperation(request as never) as Json | undefined;
      if (operation) return { spec, operation };
    }
    return undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', sim.url);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const method = req.method ?? 'GET';
    const where = `${method} ${url.pathname}`;
    const found = match({ method, path: url.pathname, query, headers: req.headers });
    let form: Json | undefined;
    if (text) {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        sim.violations.push(`${where}: body must be application/x-www-form-urlencoded`);
      form = found
        ? typedForm(found.spec.document, found.operation.requestBody, new URLSearchParams(text))
        : {};
    }
    sim.requests.push({ method, path: url.pathname, operationId: found?.operation.operationId, query, form });
    if (!found) {
      sim.violations.push(`${where}: no such operation in Twilio's OpenAPI documents`);
      return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
    }
    const { spec, operation } = found;
    const result = spec.api.validateRequest(
      {
        method,
        path: url.pathname,
        query,
        headers: { ...req.headers, 'content-type': 'application/json' } as Json,
        body: form,
      } as never,
      operation as never,
    );
    for (const e of result.errors ?? [])
      sim.violations.push(`${where} (${operation.operationId}): ${e.instancePath} ${e.message}`);
    const expected = `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return send(res, 401, twilioError(401, 20003, 'Authenticate'));
    const accountInPath = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)/)?.[1];
    if (accountInPath !== undefined && accountInPath !== sim.accountSid)
      return send(res, 401, twilioError(401, 20003, 'Authenticate'));
    const failure = failures.shift();
    if (failure)
      return send(res, failure.status, twilioError(failure.status, failure.code, 'Injected failure'));
    const answer = route(String(operation.operationId), url, query, form ?? {});
    if (answer.status < 300) {
      const check = spec.api.validateResponse(answer.body, operation as never, answer.status);
      for (const e of check.errors ?? [])
        sim.violations.push(
          `simulator answer to ${operation.operationId} is invalid: ${e.instancePath} ${e.message}`,
        );
    }
    send(res, answer.status, answer.body);
  }

  function route(
    operationId: string,
    url: URL,
    query: Record<string, string>,
    form: Json,
  ): { status: number; body: unknown } {
    switch (operationId) {
      case 'CreateMessage':
        return createMessage(form);
      case 'ListMessage': {
        const items = sim.messages.filter(
          (m) => (!query.From || m.from === query.From) && (!query.To || m.to === query.To),
        );
        return v2010Page(url, query, 'messages', items.map(messageResource));
      }
      case 'ListIncomingPhoneNumber': {
        const items = sim.accountNumbers.filter((n) => !query.PhoneNumber || n === query.PhoneNumber);
        return v2010Page(url, query, 'incoming_phone_numbers', items.map(numberResource));
      }
      case 'ListContent':
        return contentPage(url, query, (t) => contentResource(t));
      case 'ListContentAndApprovals':
        return contentPage(url, query, (t) => ({ ...contentResource(t), approval_requests: approvalOf(t) }));
      default:
        sim.violations.push(`${operationId}: the simulator does not answer this operation`);
        return { status: 404, body: twilioError(404, 20404, 'Not simulated') };
    }
  }

  function createMessage(form: Json): { status: number; body: unknown } {
    const to = String(form.To ?? '');
    const from = String(form.From ?? '');
    const where = 'POST Messages.json';
    if (!to.startsWith('whatsapp:+') || !from.startsWith('whatsapp:+'))
      sim.violations.push(`${where}: WhatsApp needs whatsapp:+E164 in To and From (got ${to}, ${from})`);
    if (!/^whatsapp:\+[1-9][0-9]{7,14}$/.test(to))
      return { status: 400, body: twilioError(400, 21211, "Invalid 'To' Phone Number") };
    if (!sim.whatsappSenders.includes(from.replace(/^whatsapp:/, '')))
      return {
        status: 400,
        body: twilioError(400, 63007, 'Twilio could not find a Channel with the specified From address'),
      };
    const mediaUrls: string[] = Array.isArray(form.MediaUrl) ? form.MediaUrl : [];
    const kinds = [
      form.Body !== undefined && mediaUrls.length === 0,
      mediaUrls.length > 0,
      form.ContentSid !== undefined,
    ];
    if (kinds.filter(Boolean).length !== 1)
      sim.violations.push(`${where}: exactly one of Body, MediaUrl (Body as caption) or ContentSid expected`);
    if (form.ContentSid !== undefined) {
      if (!sim.templates.some((t) => t.sid === form.ContentSid))
        return { status: 400, body: twilioError(400, 21655, 'The ContentSid is Invalid') };
      if (form.ContentVariables !== undefined) {
        try {
          const parsed: unknown = JSON.parse(String(form.ContentVariables));
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
        } catch {
          sim.violations.push(`${where}: ContentVariables must be a JSON object as a string`);
          return { status: 400, body: twilioError(400, 21656, 'The ContentVariables Parameter is invalid') };
        }
      }
    }
    if (form.StatusCallback !== undefined && !/^https?:\/\//.test(String(form.StatusCallback)))
      sim.violations.push(`${where}: StatusCallback must be an absolute URL`);
    const message: SimMessage = {
      sid: mediaUrls.length ? `MM${hex(16)}` : messageSid(),
      from,
      to,
      body: typeof form.Body === 'string' ? form.Body : '',
      mediaUrls,
      contentSid: form.ContentSid ?? null,
      contentVariables: form.ContentVariables ?? null,
      statusCallback: form.StatusCallback ?? null,
      status: 'queued',
      createdAt: new Date(),
    };
    sim.messages.push(message);
    return { status: 201, body: messageResource(message) };
  }

  function messageResource(m: SimMessage): Json {
    const uri = `/2010-04-01/Accounts/${sim.accountSid}/Messages/${m.sid}.json`;
    return {
      account_sid: sim.accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: rfc2822(m.createdAt),
      date_sent: null,
      date_updated: rfc2822(m.createdAt),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: null,
      num_media: String(m.mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `/2010-04-01/Accounts/${sim.accountSid}/Messages/${m.sid}/Media.json` },
      to: m.to,
      uri,
    };
  }

  function numberResource(number: string): Json {
    const sid = `PN${hex(16)}`;
    return {
      account_sid: sim.accountSid,
      address_requirements: 'none',
      api_version: '2010-04-01',
      beta: false,
      capabilities: { voice: true, sms: true, mms: true, fax: false },
      date_created: rfc2822(new Date()),
      date_updated: rfc2822(new Date()),
      friendly_name: number,
      phone_number: number,
      origin: 'twilio',
      sid,
      sms_method: 'POST',
      sms_url: '',
      status_callback: '',
      status_callback_method: 'POST',
      uri: `/2010-04-01/Accounts/${sim.accountSid}/IncomingPhoneNumbers/${sid}.json`,
      voice_method: 'POST',
      voice_url: '',
      status: 'in-use',
      type: 'local',
    };
  }

  /** The 2010 API's page shape: `key` holds the items, next_page_uri continues by PageToken. */
  function v2010Page(url: URL, query: Record<string, string>, key: string, items: Json[]) {
    const size = Number(query.PageSize ?? 50);
    const start = Number(query.PageToken?.replace(/^PA/, '') ?? 0);
    const page = items.slice(start, start + size);
    const next = start + size < items.length ? withParams(url, { PageToken: `PA${start + size}` }) : null;
    return {
      status: 200,
      body: {
        [key]: page,
        end: start + page.length - 1,
        first_page_uri: withParams(url, { PageToken: null }),
        next_page_uri: next,
        page: Math.floor(start / size),
        page_size: size,
        previous_page_uri: null,
        start,
        uri: `${url.pathname}${url.search}`,
      },
    };
  }

  /** Content API's page shape: `contents` and `meta` with absolute URLs. */
  function contentPage(url: URL, query: Record<string, string>, toResource: (t: SimTemplate) => Json) {
    const size = Number(query.PageSize ?? 50);
    const start = Number(query.PageToken?.replace(/^PT/, '') ?? 0);
    const page = sim.templates.slice(start, start + size);
    const base = `https://content.twilio.com${url.pathname}`;
    return {
      status: 200,
      body: {
        contents: page.map(toResource),
        meta: {
          page: Math.floor(start / size),
          page_size: size,
          first_page_url: `${base}?PageSize=${size}&Page=0`,
          previous_page_url: null,
          url: `${base}?PageSize=${size}&Page=${Math.floor(start / size)}`,
          next_page_url:
            start + size < sim.templates.length
              ? `${base}?PageSize=${size}&Page=${Math.floor(start / size) + 1}&PageToken=PT${start + size}`
              : null,
          key: 'contents',
        },
      },
    };
  }

  function contentResource(t: SimTemplate): Json {
    return {
      date_created: new Date().toISOString(),
      date_updated: new Date().toISOString(),
      sid: t.sid,
      account_sid: sim.accountSid,
      friendly_name: t.friendlyName,
      language: t.language,
      variables: t.variables,
      types: { 'twilio/text': { body: `Hello {{1}}` } },
      url: `https://content.twilio.com/v1/Content/${t.sid}`,
      links: { approval_fetch: `https://content.twilio.com/v1/Content/${t.sid}/ApprovalRequests` },
    };
  }

  function approvalOf(t: SimTemplate): Json {
    // Twilio's shape for ContentAndApprovals: WhatsApp's approval under `whatsapp`.
    return t.approval
      ? {
          whatsapp: {
            name: t.friendlyName,
            category: 'UTILITY',
            content_type: 'twilio/text',
            status: t.approval.status,
            rejection_reason: t.approval.rejectionReason ?? '',
            allow_category_change: true,
          },
        }
      : {};
  }

  return sim;
}

function withParams(url: URL, params: Record<string, string | null>): string {
  const copy = new URL(url.toString());
  for (const [k, v] of Object.entries(params)) {
    if (v === null) copy.searchParams.delete(k);
    else copy.searchParams.set(k, v);
  }
  return `${copy.pathname}${copy.search}`;
}

function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
