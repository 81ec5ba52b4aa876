import { useCallback, useEffect, useId, useState } from 'react';
import { graphql } from '../../gql';
import type { AuditOutcome, ConsoleAuditLogQuery, Provider } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';

const AUDIT_LOG = graphql(`
  query ConsoleAuditLog($orgId: ID, $provider: Provider, $outcome: AuditOutcome, $after: String) {
    providers {
      provider
      displayName
    }
    organization(id: $orgId) {
      id
      auditLog(first: 25, after: $after, provider: $provider, outcome: $outcome) {
        edges {
          node {
            id
            at
            action
            outcome
            errorCode
            provider
            accountKey
            actorId
            actorRole
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

type Entry = ConsoleAuditLogQuery['organization']['auditLog']['edges'][number]['node'];
const OUTCOMES: AuditOutcome[] = ['OK', 'DENIED', 'ERROR'];
const OUTCOME_WORDS = { OK: 'Done', DENIED: 'Refused', ERROR: 'Failed' } as const;

/** The organization's audit trail, newest first, filtered on the server by provider and outcome. */
export function AuditLog({ orgId }: { orgId: string | null }) {
  const id = useId();
  const [provider, setProvider] = useState<Provider | ''>('');
  const [outcome, setOutcome] = useState<AuditOutcome | ''>('');
  const [entries, setEntries] = useState<Entry[]>();
  const [providers, setProviders] = useState<ConsoleAuditLogQuery['providers']>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(
    async (after: string | null) => {
      try {
        const data = await request(AUDIT_LOG, {
          orgId,
          provider: provider || null,
          outcome: outcome || null,
          after,
        });
        const page = data.organization.auditLog;
        setProviders(data.providers);
        setEntries((old) => [...(after ? (old ?? []) : []), ...page.edges.map((e) => e.node)]);
        setNext(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
        setError('');
      } catch (e) {
        setError(describeError(e));
      }
    },
    [orgId, provider, outcome],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const names = new Map(providers.map((p) => [p.provider, p.displayName]));
  return (
    <section id="audit" aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" className="secondary" onClick={() => void load(null)}>
          Refresh
        </button>
      </div>
      <div className="filters">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select
          id={`${id}-provider`}
          value={provider}
          onChange={(e) => setProvider(e.target.value as Provider | '')}
        >
          <option value="">All providers</option>
          {providers.map((p) => (
            <option key={p.provider} value={p.provider}>
              {p.displayName}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-outcome`}>Outcome</label>
        <select
          id={`${id}-outcome`}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as AuditOutcome | '')}
        >
          <option value="">All outcomes</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {OUTCOME_WORDS[o]}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p>No entries match.</p>}
      {entries && entries.length > 0 && (
        <ul className="audit" aria-label="Audit entries">
          {entries.map((entry) => (
            <li key={entry.id} className={`audit-entry outcome-${entry.outcome.toLowerCase()}`}>
              <span className="what">
                <code>{entry.action}</code> <span className="badge">{OUTCOME_WORDS[entry.outcome]}</span>
                {entry.errorCode && <code className="code">{entry.errorCode}</code>}
              </span>
              <span className="meta">
                {when(entry.at)}
                {entry.provider && ` · ${names.get(entry.provider) ?? entry.provider}`}
                {entry.accountKey && ` · ${entry.accountKey}`}
                {entry.actorId && ` · by ${entry.actorId}${entry.actorRole ? ` (${entry.actorRole})` : ''}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" className="secondary" onClick={() => void load(next)}>
          Older entries
        </button>
      )}
    </section>
  );
}
