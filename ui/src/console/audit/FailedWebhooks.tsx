import { useCallback, useEffect, useState } from 'react';
import { graphql } from '../../gql';
import type { ConsoleFailedWebhooksQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';

const FAILED_WEBHOOKS = graphql(`
  query ConsoleFailedWebhooks($orgId: ID) {
    providers {
      provider
      displayName
    }
    organization(id: $orgId) {
      id
      failed: webhookEvents(first: 20, state: FAILED) {
        edges {
          node {
            ...ConsoleWebhookEvent
          }
        }
      }
      dead: webhookEvents(first: 20, state: DEAD) {
        edges {
          node {
            ...ConsoleWebhookEvent
          }
        }
      }
    }
  }

  fragment ConsoleWebhookEvent on WebhookEvent {
    id
    provider
    topic
    state
    attempts
    lastError
    receivedAt
  }
`);

const REPLAY = graphql(`
  mutation ConsoleReplay($id: ID!) {
    replayWebhookEvent(id: $id) {
      event {
        id
        state
      }
    }
  }
`);

type Event = ConsoleFailedWebhooksQuery['organization']['failed']['edges'][number]['node'];

/** Webhook events that failed (retrying) or gave up (dead), each with a Replay button for admins. */
export function FailedWebhooks({ orgId, canReplay }: { orgId: string | null; canReplay: boolean }) {
  const [events, setEvents] = useState<Event[]>();
  const [names, setNames] = useState(new Map<string, string>());
  const [error, setError] = useState('');
  const [results, setResults] = useState<Record<string, string>>({});

  const reload = useCallback(async () => {
    try {
      const data = await request(FAILED_WEBHOOKS, { orgId });
      const { failed, dead } = data.organization;
      setEvents([...dead.edges, ...failed.edges].map((e) => e.node));
      setNames(new Map(data.providers.map((p) => [p.provider, p.displayName])));
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }, [orgId]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const replay = async (id: string) => {
    try {
      const { replayWebhookEvent } = await request(REPLAY, { id });
      setResults((r) => ({
        ...r,
        [id]: `Queued again (now ${replayWebhookEvent.event.state.toLowerCase()}).`,
      }));
    } catch (e) {
      setResults((r) => ({ ...r, [id]: `Replay failed: ${describeError(e)}` }));
    }
  };

  return (
    <section id="webhooks" aria-labelledby="webhooks-title">
      <div className="section-head">
        <h2 id="webhooks-title">Failed webhook events</h2>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {events && events.length === 0 && <p>None: every webhook event was processed.</p>}
      {events && events.length > 0 && (
        <ul className="events" aria-label="Failed webhook events">
          {events.map((event) => (
            <li key={event.id} className="card event">
              <span>
                <strong>{names.get(event.provider) ?? event.provider}</strong>{' '}
                <code>{event.topic ?? 'event'}</code>{' '}
                <span className="badge badge-error">
                  {event.state === 'DEAD' ? 'Gave up' : 'Retrying'} after {event.attempts} attempt
                  {event.attempts === 1 ? '' : 's'}
                </span>
              </span>
              <span className="meta">Received {when(event.receivedAt)}</span>
              {event.lastError && <span className="error">{event.lastError}</span>}
              {canReplay && (
                <button
                  type="button"
                  aria-label={`Replay ${names.get(event.provider) ?? event.provider} ${event.topic ?? 'event'} received ${when(event.receivedAt)}`}
                  onClick={() => void replay(event.id)}
                >
                  Replay
                </button>
              )}
              {results[event.id] && <span role="status">{results[event.id]}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
