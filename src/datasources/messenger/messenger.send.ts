import { GatewayError } from '../../errors/gateway-error';
import type { Button, OutboundContent, QuickReply, SendContext } from '../../messaging/messaging.types';
import { freeText, printable } from '../input-rules';

/**
 * What Messenger's Send API accepts, checked before any call so a refusal costs nothing and says why
 * (https://developers.facebook.com/docs/messenger-platform/reference/send-api ,
 * .../send-messages/quick-replies , .../reference/templates/button , .../send-messages/message-tags).
 */
export const MESSAGE_TAGS = [
  'ACCOUNT_UPDATE',
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'HUMAN_AGENT',
];

const HOUR = 3_600_000;
/** Messenger's standard messaging window after the person's last message. */
export const RESPONSE_WINDOW_MS = 24 * HOUR;
/** HUMAN_AGENT lets a person of the business answer for seven days after the person's last message. */
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

const MAX_TEXT = 2000;
const MAX_TEMPLATE_TEXT = 640;
const MAX_QUICK_REPLIES = 13;
const MAX_BUTTONS = 3;
const MAX_TITLE = 20;
const MAX_PAYLOAD = 1000;
/** Page-scoped ids are numeric. */
const PSID = /^[0-9]{1,30}$/;

const refuse = (message: string): never => {
  throw new GatewayError('BAD_USER_INPUT', message);
};

export type MessagingType = { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: string };

/**
 * RESPONSE inside the 24-hour window; outside it only with a message tag, which Meta allows for a few
 * kinds of updates (and HUMAN_AGENT for a week).
 */
export function messagingType(context: SendContext, now = Date.now()): MessagingType {
  const sinceInbound = context.lastInboundAt ? now - context.lastInboundAt.getTime() : Infinity;
  if (sinceInbound <= RESPONSE_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  const tag = context.messageTag?.trim().toUpperCase();
  if (!tag)
    refuse(
      'This person last wrote to the Page more than 24 hours ago (or never): Messenger allows a message outside the 24-hour window only with a message tag (ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE or HUMAN_AGENT). Nothing was sent.',
    );
  if (!MESSAGE_TAGS.includes(tag!))
    refuse(`messageTag must be one of ${MESSAGE_TAGS.join(', ')}. Nothing was sent.`);
  if (tag === 'HUMAN_AGENT' && sinceInbound > HUMAN_AGENT_WINDOW_MS)
    refuse(
      'The HUMAN_AGENT tag allows answers for 7 days after the person last wrote; this conversation is older. Nothing was sent.',
    );
  return { messaging_type: 'MESSAGE_TAG', tag: tag! };
}

export function recipient(contactId: string): { id: string } {
  const id = printable(contactId, 'The recipient').trim();
  if (!PSID.test(id)) refuse('The recipient must be the numeric page-scoped id (PSID) of the person.');
  return { id };
}

/** The Send API's `message` object for one kind of content. */
export function messageBody(content: OutboundContent): Record<string, unknown> {
  switch (content.kind) {
    case 'text':
      return {
        text: text(content.text, MAX_TEXT, 'text'),
        ...(content.quickReplies?.length ? { quick_replies: quickReplies(content.quickReplies) } : {}),
      };
    case 'media': {
      // A Messenger message is a text or an attachment, never both.
      if (content.text?.trim())
        refuse('Messenger cannot send a caption with media: send the text as a message of its own.');
      return {
        attachment: {
          type: content.attachment.type,
          payload: { url: url(content.attachment.url, 'attachment url'), is_reusable: true },
        },
      };
    }
    case 'buttons':
      return {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: text(content.text, MAX_TEMPLATE_TEXT, 'text'),
            buttons: buttons(content.buttons),
          },
        },
      };
    case 'template':
      return refuse(
        'Messenger has no approved message templates: send text, media, buttons or quick replies (a message tag allows updates outside the 24-hour window).',
      );
    default:
      return refuse('Unknown message kind.');
  }
}

function quickReplies(replies: readonly QuickReply[]) {
  if (replies.length > MAX_QUICK_REPLIES)
    refuse(`Messenger allows at most ${MAX_QUICK_REPLIES} quick replies.`);
  return replies.map((reply, i) => ({
    content_type: 'text',
    title: text(reply.title, MAX_TITLE, `quickReplies[${i}].title`),
    payload: text(reply.payload, MAX_PAYLOAD, `quickReplies[${i}].payload`),
  }));
}

function buttons(list: readonly Button[]) {
  if (list.length < 1 || list.length > MAX_BUTTONS)
    refuse(`A Messenger button message has 1 to ${MAX_BUTTONS} buttons.`);
  return list.map((button, i) => {
    const title = text(button.title, MAX_TITLE, `buttons[${i}].title`);
    if (button.url && button.payload) refuse(`buttons[${i}] has a url or a payload, not both.`);
    if (button.url) return { type: 'web_url', url: url(button.url, `buttons[${i}].url`), title };
    if (button.payload)
      return { type: 'postback', title, payload: text(button.payload, MAX_PAYLOAD, `buttons[${i}].payload`) };
    return refuse(`buttons[${i}] needs a url (a link) or a payload (a postback).`);
  });
}

function text(value: string, max: number, field: string): string {
  freeText(value, field);
  if (!value.trim()) refuse(`${field} must not be empty.`);
  if ([...value].length > max) refuse(`${field} is longer than Messenger's ${max} characters.`);
  return value;
}

function url(value: string, field: string): string {
  printable(value, field);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return refuse(`${field} must be an absolute http(s) URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    refuse(`${field} must be an absolute http(s) URL.`);
  return value;
}
