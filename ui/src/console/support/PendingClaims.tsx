import { useCallback, useEffect, useState } from 'react';
import { graphql } from '../../gql';
import type { ConsolePendingClaimsQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';

const PENDING = graphql(`
  query ConsolePendingClaims {
    pendingIntegrationClaims(first: 50) {
      organizationId
      organizationName
      requestedAt
      proofAvailable
      integration {
        ... on IntegrationCommon {
          provider
          account {
            name
            value
          }
        }
      }
    }
  }
`);

const APPROVE = graphql(`
  mutation ConsoleApproveClaim($organizationId: ID!, $provider: Provider!) {
    approveIntegrationClaim(organizationId: $organizationId, provider: $provider) {
      errorCode
    }
  }
`);

const REJECT = graphql(`
  mutation ConsoleRejectClaim($organizationId: ID!, $provider: Provider!) {
    rejectIntegrationClaim(organizationId: $organizationId, provider: $provider) {
      errorCode
    }
  }
`);

type Claim = ConsolePendingClaimsQuery['pendingIntegrationClaims'][number];

/**
 * Claims on provider accounts waiting for a platform admin (ACCOUNT_CLAIM_POLICY=approval; README
 * "Who may claim an account"): approve or reject each. Every decision is audited by the gateway.
 */
export function PendingClaims({ names }: { names: Map<string, string> }) {
  const [claims, setClaims] = useState<Claim[]>();
  const [error, setError] = useState('');

  const reload = useCallback(async () => {
    try {
      setClaims((await request(PENDING)).pendingIntegrationClaims);
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function decide(claim: Claim, approve: boolean) {
    const integration = 'provider' in claim.integration ? claim.integration : undefined;
    if (!integration) return;
    const variables = { organizationId: claim.organizationId, provider: integration.provider };
    try {
      if (approve) await request(APPROVE, variables);
      else await request(REJECT, variables);
      await reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <>
      <h3>Account claims waiting for approval</h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {claims && claims.length === 0 && <p>No claim is waiting.</p>}
      {claims && claims.length > 0 && (
        <ul className="claims" aria-label="Account claims waiting for approval">
          {claims.map((claim) => {
            const integration = 'provider' in claim.integration ? claim.integration : undefined;
            const provider = integration ? (names.get(integration.provider) ?? integration.provider) : '';
            const account = integration?.account.map((a) => a.value).join(', ') ?? '';
            const label = `${claim.organizationName} · ${provider} ${account}`;
            return (
              <li key={`${claim.organizationId}-${provider}`} className="card attention-item">
                <span>
                  <strong>{claim.organizationName}</strong> · {provider} <code>{account}</code>
                </span>
                <span className="meta">
                  asked {claim.requestedAt ? when(claim.requestedAt) : ''}
                  {claim.proofAvailable && ' · the organization may also prove control itself'}
                </span>
                <span className="inline">
                  <button
                    type="button"
                    onClick={() => void decide(claim, true)}
                    aria-label={`Approve ${label}`}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void decide(claim, false)}
                    aria-label={`Reject ${label}`}
                  >
                    Reject
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
