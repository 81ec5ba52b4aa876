import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { graphql } from '../../gql';
import type { ConsoleSupportQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';
import { PendingClaims } from './PendingClaims';

const SUPPORT = graphql(`
  query ConsoleSupport {
    providers {
      provider
      displayName
    }
    supportAttention(first: 50) {
      organizationId
      organizationName
      recentFailures
      lastFailureAt
      failedWebhookEvents
      integration {
        ... on IntegrationCommon {
          provider
          status
          errorMessage
        }
      }
    }
    unroutedWebhookEvents(first: 20) {
      edges {
        node {
          id
          provider
          topic
          receivedAt
        }
      }
    }
  }
`);

const ORGANIZATIONS = graphql(`
  query ConsoleOrganizations($search: String) {
    organizations(search: $search, first: 50) {
      id
      name
      createdAt
    }
  }
`);

interface Org {
  id: string;
  name: string;
}

/**
 * A platform admin's support view: integrations in trouble across every organization, webhook
 * events no organization claims, and any organization by name, opened read-only (the gateway
 * audits every opening as support access).
 */
export function SupportView({ onOpen }: { onOpen: (org: Org) => void }) {
  const [data, setData] = useState<ConsoleSupportQuery>();
  const [error, setError] = useState('');

  const reload = useCallback(async () => {
    try {
      setData(await request(SUPPORT));
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const names = new Map(data?.providers.map((p) => [p.provider, p.displayName]));
  return (
    <section id="support" aria-labelledby="support-title">
      <div className="section-head">
        <h2 id="support-title">Support</h2>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h3>Integrations needing attention</h3>
      {data && data.supportAttention.length === 0 && <p>Nothing needs attention.</p>}
      {data && data.supportAttention.length > 0 && (
        <ul className="attention" aria-label="Integrations needing attention">
          {data.supportAttention.map((item) => {
            const integration = 'provider' in item.integration ? item.integration : undefined;
            const provider = integration ? (names.get(integration.provider) ?? integration.provider) : '';
            return (
              <li key={`${item.organizationId}-${provider}`} className="card attention-item">
                <span>
                  <strong>{item.organizationName}</strong> · {provider}{' '}
                  {integration?.status === 'ERROR' && <span className="badge badge-error">Error</span>}
                </span>
                {integration?.errorMessage && <span className="error">{integration.errorMessage}</span>}
                <span className="meta">
                  {item.recentFailures} failure{item.recentFailures === 1 ? '' : 's'} in 24 h
                  {item.lastFailureAt && ` (last ${when(item.lastFailureAt)})`} · {item.failedWebhookEvents}{' '}
                  failed webhook event{item.failedWebhookEvents === 1 ? '' : 's'}
                </span>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => onOpen({ id: item.organizationId, name: item.organizationName })}
                  aria-label={`Open ${item.organizationName} read-only`}
                >
                  Open read-only
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <PendingClaims names={names} />
      <h3>Unrouted webhook events</h3>
      {data && data.unroutedWebhookEvents.edges.length === 0 && (
        <p>None: every event reached an organization.</p>
      )}
      {data && data.unroutedWebhookEvents.edges.length > 0 && (
        <ul className="events" aria-label="Unrouted webhook events">
          {data.unroutedWebhookEvents.edges.map(({ node }) => (
            <li key={node.id}>
              <strong>{names.get(node.provider) ?? node.provider}</strong>{' '}
              <code>{node.topic ?? 'event'}</code>{' '}
              <span className="meta">
                received {when(node.receivedAt)}: no organization has connected its account
              </span>
            </li>
          ))}
        </ul>
      )}
      <OrganizationSearch onOpen={onOpen} />
    </section>
  );
}

function OrganizationSearch({ onOpen }: { onOpen: (org: Org) => void }) {
  const id = useId();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Array<Org & { createdAt: string }>>();
  const [error, setError] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const data = await request(ORGANIZATIONS, { search: search.trim() || null });
      setFound(data.organizations);
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <form className="search" onSubmit={(e) => void submit(e)} role="search">
      <h3>Organizations</h3>
      <label htmlFor={`${id}-search`}>Name or id</label>
      <div className="inline">
        <input id={`${id}-search`} value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Search</button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {found && found.length === 0 && <p>No organization matches.</p>}
      {found && found.length > 0 && (
        <ul className="orgs" aria-label="Organizations found">
          {found.map((org) => (
            <li key={org.id}>
              <span>
                <strong>{org.name}</strong> <span className="meta">since {when(org.createdAt)}</span>
              </span>
              <button
                type="button"
                className="secondary"
                onClick={() => onOpen(org)}
                aria-label={`Open ${org.name} read-only`}
              >
                Open read-only
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
