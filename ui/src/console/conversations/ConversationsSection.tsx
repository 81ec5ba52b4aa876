import { useCallback, useEffect, useState } from 'react';
import type { ConsoleConversationsQuery } from '../../gql/graphql';
import { describeError, reportUnauthenticated, request } from '../api/client';
import { subscribe } from '../api/live';
import { when } from '../layout/time';
import { CONVERSATIONS, MESSAGE_EVENTS } from './operations';
import { Thread } from './Thread';

type Summary = ConsoleConversationsQuery['organization']['conversations']['edges'][number]['node'];

const CHANNELS = { MESSENGER: 'Messenger', WHATSAPP: 'WhatsApp' } as const;
export const contactName = (c: Summary['contact']) => c.name ?? c.id;

/**
 * The organization's conversations and the open thread. For the caller's own organization both
 * follow the messageEvents subscription, so a shopper's message shows up without a reload; another
 * organization (support view) is read as it is.
 */
export function ConversationsSection({
  orgId,
  token,
  canReply,
}: {
  orgId: string | null;
  token: string;
  canReply: boolean;
}) {
  const [list, setList] = useState<Summary[]>();
  const [error, setError] = useState('');
  const [openId, setOpenId] = useState<string>();
  const [revision, setRevision] = useState(0);
  const [live, setLive] = useState(false);

  const reload = useCallback(async () => {
    try {
      const data = await request(CONVERSATIONS, { orgId });
      setList(data.organization.conversations.edges.map((e) => e.node));
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }, [orgId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (orgId !== null) return undefined;
    setLive(true);
    return subscribe(
      token,
      MESSAGE_EVENTS,
      () => {
        void reload();
        setRevision((n) => n + 1);
      },
      () => {
        // The socket was closed for the token (expired or refused): the sign-in page says what to do.
        setLive(false);
        reportUnauthenticated();
      },
    );
  }, [orgId, token, reload]);

  return (
    <section id="conversations" aria-labelledby="conversations-title">
      <div className="section-head">
        <h2 id="conversations-title">Conversations</h2>
        <span className="hint">{live ? 'Live' : 'Not live: refresh to see new messages'}</span>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && (
        <p>No conversations yet: they start when a shopper writes on a channel.</p>
      )}
      <div className="conversations">
        {list && list.length > 0 && (
          <ul className="conversation-list" aria-label="Conversations">
            {list.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={c.id === openId ? 'conversation current' : 'conversation'}
                  aria-current={c.id === openId ? 'true' : undefined}
                  onClick={() => setOpenId(c.id)}
                >
                  <span className="who">{contactName(c.contact)}</span>
                  <span className="meta">
                    {CHANNELS[c.channel]} · {when(c.lastActivityAt)}
                    {c.needsHuman && <span className="badge badge-error">Needs a person</span>}
                    {c.status === 'CLOSED' && <span className="badge">Closed</span>}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {openId && (
          <Thread
            key={openId}
            orgId={orgId}
            conversationId={openId}
            revision={revision}
            canReply={canReply}
            onSent={() => void reload()}
          />
        )}
      </div>
    </section>
  );
}
