import { useCallback, useEffect, useState } from 'react';
import type { ConsoleThreadQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';
import { THREAD } from './operations';
import { ReplyBox } from './ReplyBox';

type Conversation = NonNullable<ConsoleThreadQuery['organization']['conversation']>;
type Message = Conversation['messages']['edges'][number]['node'];

const STATUS_WORDS: Record<Message['status'], string> = {
  PENDING: 'sending',
  RECEIVED: 'received',
  QUEUED: 'queued',
  SENT: 'sent',
  DELIVERED: 'delivered',
  READ: 'read',
  FAILED: 'not delivered',
};

function body(message: Message): string {
  if (message.text) return message.text;
  if (message.postback) return `Pressed “${message.postback.title}”`;
  if (message.attachments.length)
    return message.attachments.map((a) => `[${a.type.toLowerCase()}]`).join(' ');
  return `[${message.kind.toLowerCase()}]`;
}

/** One conversation, oldest message first; reloads whenever `revision` changes (a live event). */
export function Thread({
  orgId,
  conversationId,
  revision,
  canReply,
  onSent,
}: {
  orgId: string | null;
  conversationId: string;
  revision: number;
  canReply: boolean;
  onSent: () => void;
}) {
  const [conversation, setConversation] = useState<Conversation | null>();
  const [error, setError] = useState('');

  const reload = useCallback(async () => {
    try {
      const data = await request(THREAD, { orgId, id: conversationId });
      setConversation(data.organization.conversation);
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }, [orgId, conversationId]);

  useEffect(() => {
    void reload();
  }, [reload, revision]);

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (conversation === undefined) return <p role="status">Loading the conversation…</p>;
  if (conversation === null) return <p>This conversation is gone.</p>;
  const messages = [...conversation.messages.edges].reverse().map((e) => e.node);
  const name = conversation.contact.name ?? conversation.contact.id;

  return (
    <div className="thread" aria-labelledby="thread-title">
      <h3 id="thread-title">
        {name}{' '}
        <span className="hint">on {conversation.channel === 'WHATSAPP' ? 'WhatsApp' : 'Messenger'}</span>
      </h3>
      {conversation.needsHuman && (
        <p className="handover" role="note">
          Handed over to a person: the AI does not answer this conversation on its own. Reply yourself.
        </p>
      )}
      <ol className="messages" aria-label={`Messages with ${name}`} aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={m.direction === 'INBOUND' ? 'message inbound' : 'message outbound'}>
            <span className="text">{body(m)}</span>
            <span className="meta">
              {m.direction === 'INBOUND' ? name : 'You'} · {when(m.createdAt)}
              {m.direction === 'OUTBOUND' && ` · ${STATUS_WORDS[m.status]}`}
            </span>
            {m.status === 'FAILED' && (
              <span className="error">
                {m.errorMessage ?? 'The channel did not deliver it.'} {m.errorCode && `(${m.errorCode})`}
              </span>
            )}
          </li>
        ))}
      </ol>
      {canReply && (
        <ReplyBox
          conversationId={conversation.id}
          onSent={() => {
            void reload();
            onSent();
          }}
        />
      )}
    </div>
  );
}
