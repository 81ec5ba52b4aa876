/**
 * Messaging as one capability (STYLE.md, "Capabilities"): Messenger and WhatsApp (and later any
 * channel) implement this small interface with optional members, and share one conversation model
 * (`conversations`, `messages`), one set of send mutations and one subscription feed.
 */

/** A channel is the provider id of the provider that carries it. */
export type ChannelId = 'messenger' | 'whatsapp';

export type MessageDirection = 'inbound' | 'outbound';

/** Our statuses; each channel maps its vendor's words onto these in one `switch` with a default. */
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Attachment {
  type: 'image' | 'video' | 'audio' | 'file';
  url: string;
  /** MIME type when the channel says it. */
  contentType?: string | null;
}

export interface QuickReply {
  title: string;
  payload: string;
}

export interface Button {
  title: string;
  /** A postback button carries a payload; a web-URL button a url. */
  payload?: string | null;
  url?: string | null;
}

/** What an organization's person (or the AI) sends; one kind per message. */
export type OutboundContent =
  | { kind: 'text'; text: string; quickReplies?: QuickReply[] }
  | { kind: 'media'; attachment: Attachment; text?: string | null }
  | { kind: 'buttons'; text: string; buttons: Button[] }
  | { kind: 'template'; templateId: string; variables: Record<string, string> };

/** Messenger's `messaging_type` rules and WhatsApp's customer-care window both need these. */
export interface SendContext {
  organizationId: string;
  /** The organization's account key for the channel (page id, business number, or the shared number). */
  accountKey: string;
  /** The person's id on the channel (PSID, or `whatsapp:+E164`). */
  contactId: string;
  /** When the contact last wrote to us: the 24-hour window is measured from here. */
  lastInboundAt: Date | null;
  /** Messenger: a message tag that allows sending outside the 24-hour window. */
  messageTag?: string | null;
  requestId: string;
}

export interface SendResult {
  providerMessageId: string;
  status: MessageStatus;
}

/** One inbound fact from a channel's webhook, already routed to an organization. */
export type InboundFact =
  | {
      type: 'message';
      providerMessageId: string;
      contactId: string;
      contactName?: string | null;
      text?: string | null;
      attachments?: Attachment[];
      quickReplyPayload?: string | null;
      postback?: { title: string; payload: string } | null;
      at: Date;
    }
  | {
      type: 'status';
      providerMessageId: string;
      status: MessageStatus;
      errorCode?: string | null;
      errorMessage?: string | null;
      at: Date;
    }
  /** Messenger's read/delivery receipts carry a watermark: every outbound message up to it. */
  | { type: 'watermark'; contactId: string; status: 'delivered' | 'read'; watermark: Date; at: Date };

/** What a channel implements (Novu's `ISmsProvider` shape: required send, optional extras). */
export interface MessagingChannel {
  channel: ChannelId;
  /** Refuses (GatewayError BAD_USER_INPUT) before any call what the channel's rules forbid. */
  send(content: OutboundContent, context: SendContext): Promise<SendResult>;
  /**
   * The contact id as the channel's webhooks spell it, from what a client typed (WhatsApp:
   * `+1415…` becomes `whatsapp:+1415…`), so one shopper is one conversation. Refuses an id that is
   * not one (BAD_USER_INPUT). Absent: ids are used as given.
   */
  normalizeContactId?(contactId: string): string;
  /** Messenger's sender actions (`mark_seen`, `typing_on`, `typing_off`). */
  senderAction?(action: 'mark_seen' | 'typing_on' | 'typing_off', context: SendContext): Promise<void>;
}
