import { useEffect, useState } from 'react';
import { graphql } from '../../gql';
import type { ConsoleIntegrationClaimQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';

const CLAIM = graphql(`
  query ConsoleIntegrationClaim($provider: Provider!) {
    integrationClaim(provider: $provider) {
      proof
      token
    }
  }
`);

type Claim = NonNullable<ConsoleIntegrationClaimQuery['integrationClaim']>;

/**
 * A pending claim (ACCOUNT_CLAIM_POLICY=approval) as its organization's administrator sees it: how to
 * prove control of the account where the provider allows it (then Test verifies the proof), or that a
 * platform administrator must approve.
 */
export function ClaimProof({ provider, providerName }: { provider: string; providerName: string }) {
  const [claim, setClaim] = useState<Claim | null>();
  const [error, setError] = useState('');
  useEffect(() => {
    request(CLAIM, { provider: provider as never })
      .then((data) => setClaim(data.integrationClaim))
      .catch((e: unknown) => setError(describeError(e)));
  }, [provider]);

  if (error) return <p className="result error">{error}</p>;
  if (claim === undefined) return null;
  if (!claim?.proof) {
    return (
      <p className="status-detail">
        {providerName} offers no way to prove control here: a platform administrator approves the claim.
      </p>
    );
  }
  return (
    <div className="claim-proof">
      <p className="status-detail">To skip the wait, prove control: {claim.proof}</p>
      {claim.token && (
        <p>
          Claim token: <code data-testid="claim-token">{claim.token}</code>
        </p>
      )}
      <p className="status-detail">Then press Test: the gateway checks the proof and approves the claim.</p>
    </div>
  );
}
