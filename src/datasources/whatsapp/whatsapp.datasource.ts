import type twilio from 'twilio';
import { GatewayError } from '../../errors/gateway-error';
import type {
  MessagingChannel,
  OutboundContent,
  SendContext,
  SendResult,
} from '../../messaging/messaging.types';
import type { Logger } from '../../observability/logger';
import { cursorCodec, pageConnection, pageSize, type Connection, type PageArgs } from '../paging';
import type { IntegrationHealth } from '../types';
import { mapTwilioError } from './whatsapp.errors';
import { toOurStatus } from './whatsapp.status';
import type { QuotaGate } from '../../services/fair-share';

/** WhatsApp's customer-care window: free-form messages only within 24 hours of the shopper's last one. */
export const CUSTOMER_CARE_WINDOW_MS = 24 * 60 * 60 * 1000;

const TEMPLATE_CURSOR = cursorCodec('twilio-content');
/** Twilio refuses bodies longer than this (error 21617). */
const MAX_BODY = 1600;
const E164 = /^\+[1-9][0-9]{7,14}$/;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
/** Twilio's WhatsApp template variables are numbered or named placeholders. */
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;

export interface WhatsAppSettings {
  /** Bare E.164: the organization's business number, or the platform's shared one. */
  fromNumber: string;
  /** True when sending from TWILIO_WHATSAPP_NUMBER (no business number connected). */
  shared: boolean;
  /** PUBLIC_BASE_URL without a trailing slash; no status callbacks without it. */
  publicBaseUrl: string | undefined;
}

export interface WhatsAppTemplateModel {
  id: string;
  name: string | null;
  language: string | null;
  /** The placeholder names, in order ("1", "2", … or named). */
  variables: string[];
  /** WhatsApp's approval state: approved, pending, rejected, unsubmitted, … (lowercase, Twilio's words). */
  approvalStatus: string;
  rejectionReason: string | null;
}

export type WhatsAppSenderState = 'VERIFIED' | 'ACCOUNT_NUMBER' | 'WHATSAPP_TRAFFIC' | 'NOT_FOUND';

export interface WhatsAppSenderStatusModel {
  number: string;
  shared: boolean;
  state: WhatsAppSenderState;
  /** The state in words, with what to do next when something is missing. */
  description: string;
}

/**
 * WhatsApp through Twilio's Programmable Messaging, with the official SDK for every call. One per
 * GraphQL request or webhook job; the SDK client is the gateway's (see twilio.client.ts).
 */
export class WhatsAppDataSource implements MessagingChannel {
  readonly channel = 'whatsapp' as const;

  constructor(
    private readonly client: twilio.Twilio,
    private readonly settings: WhatsAppSettings,
    private readonly health: IntegrationHealth,
    private readonly logger: Logger,
    /** This organization's share of the Twilio account's concurrent requests (absent: unlimited). */
    private readonly quota?: QuotaGate,
  ) {}

  /** The sending number as Twilio addresses it. */
  get from(): string {
    return `whatsapp:${this.settings.fromNumber}`;
  }

  normalizeContactId(contactId: string): string {
    return whatsappAddress(contactId);
  }

  async send(content: OutboundContent, context: SendContext): Promise<SendResult> {
    const to = whatsappAddress(context.contactId);
    const params = this.contentParams(content);
    if (content.kind !== 'template' && !insideWindow(context.lastInboundAt)) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        context.lastInboundAt
          ? "The shopper last wrote more than 24 hours ago: outside WhatsApp's customer-care window only an approved template can be sent. Send a template message instead."
          : 'The shopper has not written to this number yet: WhatsApp allows only an approved template to start a conversation. Send a template message instead.',
      );
    }
    const statusCallback = this.statusCallback(context.organizationId);
    const message = await this.call('messages.create', () =>
      this.client.messages.create({
        from: this.from,
        to,
        ...params,
        ...(statusCallback ? { statusCallback } : {}),
      }),
    );
    return { providerMessageId: message.sid, status: toOurStatus(message.status) ?? 'queued' };
  }

  /**
   * The account's Content API templates with their WhatsApp approval (GET /v1/ContentAndApprovals),
   * paged by Twilio's page token inside our opaque cursors.
   */
  async templates(args: PageArgs): Promise<Connection<WhatsAppTemplateModel>> {
    const size = pageSize(args.first, 100);
    const token = args.after ? TEMPLATE_CURSOR.decode(args.after) : undefined;
    const page = await this.call('contentAndApprovals.page', () =>
      this.client.content.v1.contentAndApprovals.page({
        pageSize: size,
        ...(token ? { pageToken: token } : {}),
      }),
    );
    const nodes = page.instances.map((item) => toTemplate(item as unknown as Record<string, unknown>));
    return pageConnection(TEMPLATE_CURSOR, nodes, {
      next: pageToken(page.nextPageUrl),
      current: token ?? null,
      hasPreviousPage: token !== undefined,
    });
  }

  /**
   * Whether the sending number is a WhatsApp sender of the platform's Twilio account. Twilio's
   * documented APIs here cannot list WhatsApp senders, so two facts are read: the number is one of
   * the account's phone numbers (IncomingPhoneNumbers?PhoneNumber=) and it has sent WhatsApp messages
   * (Messages?From=whatsapp:…). A number registered on WhatsApp but hosted elsewhere (Twilio's
   * sandbox, a number ported in for WhatsApp only) shows in the second only.
   */
  async senderStatus(): Promise<WhatsAppSenderStatusModel> {
    const number = this.settings.fromNumber;
    const [owned, sent] = await Promise.all([
      this.call('incomingPhoneNumbers.list', () =>
        this.client.incomingPhoneNumbers.list({ phoneNumber: number, pageSize: 1, limit: 1 }),
      ),
      this.call('messages.list', () => this.client.messages.list({ from: this.from, pageSize: 1, limit: 1 })),
    ]);
    const inAccount = owned.some((n) => n.phoneNumber === number);
    const hasTraffic = sent.length > 0;
    const which = this.settings.shared ? "The platform's shared number" : 'The business number';
    const base = { number, shared: this.settings.shared };
    if (inAccount && hasTraffic) {
      return {
        ...base,
        state: 'VERIFIED',
        description: `${which} ${number} is a phone number of the platform's Twilio account and has sent WhatsApp messages: it is a working WhatsApp sender.`,
      };
    }
    if (inAccount) {
      return {
        ...base,
        state: 'ACCOUNT_NUMBER',
        description: `${which} ${number} is a phone number of the platform's Twilio account but has not sent a WhatsApp message yet. If it is not yet a WhatsApp sender, register it in the Twilio Console (Messaging → Senders → WhatsApp senders) and wait for Meta's approval.`,
      };
    }
    if (hasTraffic) {
      return {
        ...base,
        state: 'WHATSAPP_TRAFFIC',
        description: `${which} ${number} is not a phone number of the platform's Twilio account, but Twilio has sent WhatsApp messages from it (a WhatsApp sender hosted outside the account's numbers, such as Twilio's sandbox).`,
      };
    }
    return {
      ...base,
      state: 'NOT_FOUND',
      description: `${which} ${number} is not a phone number of the platform's Twilio account and has never sent a WhatsApp message through it. Ask the platform to add the number to its Twilio account and register it as a WhatsApp sender (Twilio Console → Messaging → Senders → WhatsApp senders), or connect an approved number.`,
    };
  }

  /** testIntegration: a number Twilio knows nothing about is an error, in words. */
  async ping(): Promise<void> {
    const status = await this.senderStatus();
    if (status.state === 'NOT_FOUND') throw new GatewayError('BAD_USER_INPUT', status.description);
    this.logger.info({ state: status.state }, status.description);
  }

  /** Body, MediaUrl or ContentSid + ContentVariables; refuses before any call what Twilio would. */
  private contentParams(content: OutboundContent): Record<string, unknown> {
    switch (content.kind) {
      case 'text':
        if (content.quickReplies?.length) throw interactiveRefused();
        return { body: bodyText(content.text, true) };
      case 'media': {
        const url = mediaUrl(content.attachment.url);
        const caption = content.text ? bodyText(content.text, false) : undefined;
        return { mediaUrl: [url], ...(caption ? { body: caption } : {}) };
      }
      case 'buttons':
        throw interactiveRefused();
      case 'template': {
        if (!CONTENT_SID.test(content.templateId)) {
          throw new GatewayError(
            'BAD_USER_INPUT',
            'templateId must be a Twilio Content SID (HX followed by 32 hex digits).',
          );
        }
        const entries = Object.entries(content.variables ?? {});
        for (const [name, value] of entries) {
          if (!VARIABLE_NAME.test(name) || typeof value !== 'string' || value.length > 1024) {
            throw new GatewayError(
              'BAD_USER_INPUT',
              `Template variable "${name.slice(0, 64)}" is not valid (names are letters, digits or _, values at most 1024 characters).`,
            );
          }
        }
        return {
          contentSid: content.templateId,
          ...(entries.length ? { contentVariables: JSON.stringify(Object.fromEntries(entries)) } : {}),
        };
      }
      default: {
        const kind: never = content;
        throw new GatewayError(
          'BAD_USER_INPUT',
          `WhatsApp cannot send a ${(kind as { kind: string }).kind} message.`,
        );
      }
    }
  }

  /**
   * PUBLIC_BASE_URL + /webhooks/twilio. From the shared number the organization is named in the URL
   * (`?org=`): Twilio signs the whole URL, so the callback routes to the organization that sent the
   * message even when another one wrote to the same shopper since.
   */
  private statusCallback(organizationId: string): string | undefined {
    const base = this.settings.publicBaseUrl;
    if (!base) return undefined;
    const url = `${base}/webhooks/twilio`;
    return this.settings.shared ? `${url}?org=${encodeURIComponent(organizationId)}` : url;
  }

  /** Every SDK call: errors mapped in one place, logged without bodies, health told the outcome. */
  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const concurrency = this.quota?.quota?.concurrency;
    // Twilio refuses the whole account (20429) past its concurrency: one organization's burst holds
    // only its share of the slots, so the others' sends still go out.
    const release = concurrency ? this.quota?.hold('key', concurrency) : undefined;
    try {
      const result = await run();
      await this.health.authSucceeded();
      return result;
    } catch (error) {
      const mapped = mapTwilioError(error);
      this.logger.warn(
        { provider: 'whatsapp', operation, code: mapped.error.code, ...mapped.log },
        'Twilio call failed',
      );
      if (mapped.authFailed) await this.health.authFailed(mapped.error.message);
      throw mapped.error;
    } finally {
      release?.();
    }
  }
}

export function insideWindow(lastInboundAt: Date | null, now = Date.now()): boolean {
  return lastInboundAt !== null && now - lastInboundAt.getTime() < CUSTOMER_CARE_WINDOW_MS;
}

/** `whatsapp:+E164` from what the conversation stores (with or without the prefix). */
export function whatsappAddress(contactId: string): string {
  const number = contactId.replace(/^whatsapp:/i, '');
  if (!E164.test(number)) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      "The conversation's contact is not a WhatsApp number (whatsapp:+E164).",
    );
  }
  return `whatsapp:${number}`;
}

const interactiveRefused = () =>
  new GatewayError(
    'BAD_USER_INPUT',
    "WhatsApp through Twilio sends buttons and quick replies only inside an approved template: create a quick-reply or call-to-action template in Twilio's Content Template Builder and send it as a template message.",
  );

function bodyText(text: string, required: boolean): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) {
    if (required) throw new GatewayError('BAD_USER_INPUT', 'The message text is empty.');
    return undefined;
  }
  if (text.length > MAX_BODY) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      `WhatsApp messages through Twilio are at most ${MAX_BODY} characters.`,
    );
  }
  return text;
}

function mediaUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayError('BAD_USER_INPUT', 'The media URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GatewayError('BAD_USER_INPUT', 'The media URL must be http(s): Twilio fetches it from there.');
  }
  return url.toString();
}

function pageToken(nextPageUrl: string | undefined | null): string | null {
  if (!nextPageUrl) return null;
  try {
    return new URL(nextPageUrl, 'https://content.twilio.com').searchParams.get('PageToken');
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Content API's item; `approval_requests` is WhatsApp's approval (or keyed by channel in some answers). */
function toTemplate(item: Record<string, unknown>): WhatsAppTemplateModel {
  const approvals = (item.approvalRequests ?? item.approval_requests ?? null) as Record<
    string,
    unknown
  > | null;
  const approval =
    approvals && typeof approvals === 'object'
      ? ((approvals.whatsapp as Record<string, unknown> | undefined) ?? approvals)
      : null;
  const variables = item.variables && typeof item.variables === 'object' ? Object.keys(item.variables) : [];
  return {
    id: String(item.sid),
    name: text(item.friendlyName ?? item.friendly_name),
    language: text(item.language),
    variables,
    approvalStatus: (text(approval?.status) ?? 'unsubmitted').toLowerCase(),
    rejectionReason: text(approval?.rejection_reason ?? approval?.rejectionReason),
  };
}
