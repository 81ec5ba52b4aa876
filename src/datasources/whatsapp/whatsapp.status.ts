import type { MessageStatus } from '../../messaging/messaging.types';

/**
 * Twilio's message statuses (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values)
 * in our words, in one place. Undefined for a word we do not know: the caller keeps what it had.
 */
export function toOurStatus(status: string | null | undefined): MessageStatus | undefined {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
    case 'undelivered':
    case 'canceled':
      return 'failed';
    case 'received':
    case 'receiving':
      return 'received';
    default:
      return undefined;
  }
}
