import { randomBytes } from 'node:crypto';
import { providers } from '../datasources/registry';
import type { ProviderAdapter } from '../datasources/types';
import type { IntegrationRow } from '../db/integrations.repo';

/** ACCOUNT_CLAIM_POLICY: who may claim a provider account (README "Who may claim an account"). */
export type ClaimPolicy = 'open' | 'approval';

/**
 * How an organization proves it controls an account, where the provider allows it: the claim is then
 * approved without a platform administrator. Declared by the adapter (`claimProof`).
 */
export interface ClaimProof<Account = unknown, DataSource = unknown> {
  /** What the organization must do with its token, in words. */
  instructions(token: string, account: Account): string;
  /** Whether the account shows the token; read with the platform's credentials. */
  verify(dataSource: DataSource, token: string): Promise<boolean>;
}

/** A claim token: unguessable, and harmless when shown (it proves nothing until the account shows it). */
export function newClaimToken(): string {
  return `sb_claim_${randomBytes(18).toString('base64url')}`;
}

/** What GraphQL's `IntegrationClaim` resolves from: a pending integration row. */
export type IntegrationClaimModel = IntegrationRow;

/** The pending claim's proof instructions, or null when only a platform administrator can approve. */
export function claimProofText(row: IntegrationRow): string | null {
  const adapter = providers[row.provider] as ProviderAdapter<unknown, unknown, unknown>;
  if (!adapter.claimProof || !row.claim_token) return null;
  return adapter.claimProof.instructions(row.claim_token, row.account_identifier ?? {});
}

export const hasClaimProof = (row: IntegrationRow): boolean =>
  Boolean((providers[row.provider] as ProviderAdapter<unknown, unknown, unknown>).claimProof);

/** The message of a refused call on a pending integration. */
export function pendingMessage(row: IntegrationRow): string {
  const name = providers[row.provider].displayName;
  return hasClaimProof(row)
    ? `${name} waits for this organization to prove it controls the account (see the integration's claim), or for a platform administrator to approve it. No ${name} call is made until then.`
    : `${name} waits for a platform administrator to approve this organization's claim on the account. No ${name} call is made until then.`;
}
