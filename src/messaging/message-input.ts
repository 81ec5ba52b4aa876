import { freeText, printable } from '../datasources/input-rules';
import { GatewayError } from '../errors/gateway-error';
import type { Attachment, Button, OutboundContent, QuickReply } from './messaging.types';

/**
 * The checks every send passes before anything is stored or called, whatever the channel: lengths
 * (Messenger's limits, the stricter of the two channels where they differ), control characters, and
 * URLs. Each channel then applies its own rules (the 24-hour window, template approval).
 * Messages name the field and never echo the value.
 */

const refuse = (message: string): never => {
  throw new GatewayError('BAD_USER_INPUT', message);
};

function text(value: string, field: string, min: number, max: number): string {
  freeText(value, field);
  if (value.trim().length < min || value.length > max) {
    refuse(
      min > 0
        ? `${field} must be ${min} to ${max} characters.`
        : `${field} must be at most ${max} characters.`,
    );
  }
  return value;
}

function identifier(value: string, field: string, max: number): string {
  printable(value, field);
  if (value.length < 1 || value.length > max) refuse(`${field} must be 1 to ${max} characters.`);
  return value;
}

/** An absolute http(s) URL: the channel's servers fetch it or the shopper opens it. */
export function webUrl(value: string, field: string): string {
  identifier(value, field, 2000);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    refuse(`${field} must be an absolute http or https URL.`);
  }
  return value;
}

/** 1 to 200 printable characters, chosen by the client. */
export function idempotencyKey(value: string): string {
  return identifier(value, 'idempotencyKey', 200);
}

export function contactId(value: string): string {
  return identifier(value, 'contactId', 200);
}

/** Meta's message tags are upper-case words (HUMAN_AGENT, ACCOUNT_UPDATE…). */
export function messageTag(value: string): string {
  if (!/^[A-Z][A-Z_]{0,49}$/.test(value))
    refuse('messageTag must be a Messenger message tag such as HUMAN_AGENT.');
  return value;
}

type AttachmentTypeInput = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'FILE';

export interface MessageContentInput {
  text?: { body: string; quickReplies?: readonly { title: string; payload: string }[] | null } | null;
  media?: { url: string; type: AttachmentTypeInput; caption?: string | null } | null;
  buttons?: {
    text: string;
    buttons: readonly { title: string; payload?: string | null; url?: string | null }[];
  } | null;
  template?: { id: string; variables?: readonly { name: string; value: string }[] | null } | null;
}

/** GraphQL's @oneOf content, checked, as the channel interface's OutboundContent. */
export function outboundContent(input: MessageContentInput): OutboundContent {
  if (input.text) {
    const body = text(input.text.body, 'content.text.body', 1, 2000);
    const replies = input.text.quickReplies ?? [];
    if (replies.length > 13) refuse('content.text.quickReplies may hold at most 13 quick replies.');
    const quickReplies: QuickReply[] = replies.map((reply) => ({
      title: text(reply.title, 'content.text.quickReplies.title', 1, 20),
      payload: text(reply.payload, 'content.text.quickReplies.payload', 1, 1000),
    }));
    return { kind: 'text', text: body, ...(quickReplies.length > 0 ? { quickReplies } : {}) };
  }
  if (input.media) {
    const attachment: Attachment = {
      type: input.media.type.toLowerCase() as Attachment['type'],
      url: webUrl(input.media.url, 'content.media.url'),
    };
    const caption = input.media.caption ? text(input.media.caption, 'content.media.caption', 0, 1024) : null;
    return { kind: 'media', attachment, text: caption };
  }
  if (input.buttons) {
    const body = text(input.buttons.text, 'content.buttons.text', 1, 640);
    if (input.buttons.buttons.length < 1 || input.buttons.buttons.length > 3) {
      refuse('content.buttons.buttons must hold 1 to 3 buttons.');
    }
    const buttons: Button[] = input.buttons.buttons.map((button) => {
      const title = text(button.title, 'content.buttons.buttons.title', 1, 20);
      const hasPayload = button.payload !== null && button.payload !== undefined;
      const hasUrl = button.url !== null && button.url !== undefined;
      if (hasPayload === hasUrl) refuse('Each button needs a payload or a url, not both.');
      return hasUrl
        ? { title, url: webUrl(button.url!, 'content.buttons.buttons.url') }
        : { title, payload: text(button.payload!, 'content.buttons.buttons.payload', 1, 1000) };
    });
    return { kind: 'buttons', text: body, buttons };
  }
  if (input.template) {
    const templateId = identifier(input.template.id, 'content.template.id', 200);
    const given = input.template.variables ?? [];
    if (given.length > 100) refuse('content.template.variables may hold at most 100 values.');
    // A Map, then fromEntries: a placeholder named "__proto__" stays an ordinary key.
    const variables = new Map<string, string>();
    for (const { name, value } of given) {
      identifier(name, 'content.template.variables.name', 100);
      if (variables.has(name)) refuse('content.template.variables names a placeholder twice.');
      variables.set(name, text(value, 'content.template.variables.value', 0, 1000));
    }
    return { kind: 'template', templateId, variables: Object.fromEntries(variables) };
  }
  return refuse('Give exactly one kind of content.');
}
