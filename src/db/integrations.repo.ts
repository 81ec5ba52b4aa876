import type { Db } from './database';
import { scopeSees } from './tenant-scope';
import type { RowsCache } from './rows-cache';
import type { ProviderId } from '../datasources/types';

export type IntegrationStatusValue = 'connected' | 'disconnected' | 'error' | 'pending';

/**
 * Whether a row holds its account: connected, or in error but still claiming it. A disconnected row
 * holds nothing, and a pending one (ACCOUNT_CLAIM_POLICY=approval) not yet: no provider calls, no
 * webhooks.
 */
export const holdsAccount = (row: Pick<IntegrationRow, 'status'>): boolean =>
  row.status === 'connected' || row.status === 'error';

export interface IntegrationRow {
  id: string;
  organization_id: string;
  provider: ProviderId;
  status: IntegrationStatusValue;
  account_identifier: Record<string, unknown> | null;
  account_key: string | null;
  connected_at: Date | null;
  last_synced_at: Date | null;
  sync_status: string | null;
  error_message: string | null;
  /** Set while pending: the value that proves control of the account where the provider allows. */
  claim_token?: string | null;
  created_at: Date;
  updated_at: Date;
}

export class AccountClaimedError extends Error {}

/** Postgres' unique_violation, raised by the partial index `integrations_account_claim`. */
const isClaimConflict = (error: unknown) =>
  (error as { code?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'integrations_account_claim';

export class IntegrationsRepo {
  constructor(
    private readonly db: Db,
    /** Rows per organization, dropped on every change (here, or announced by PostgreSQL). */
    private readonly cache: RowsCache<IntegrationRow[]>,
  ) {}

  /** The organization's rows; served from memory on the hot path. Callers must not mutate them. */
  listForOrganization(organizationId: string): Promise<IntegrationRow[]> {
    const load = () => this.db('integrations').where({ organization_id: organizationId }).orderBy('provider');
    // Row-level security would answer a load made in another organization's scope (or none) with no
    // rows: such a load is not a fact about the organization and must not be cached for it.
    if (!scopeSees(organizationId)) return load();
    return this.cache.get(organizationId, load);
  }

  async forOrganizationAndProviders(
    organizationId: string,
    providers: readonly ProviderId[],
  ): Promise<IntegrationRow[]> {
    return this.db('integrations').where({ organization_id: organizationId }).whereIn('provider', providers);
  }

  /** The integration holding an account (connected, or in error but still claiming it): webhook routing. */
  async findClaim(provider: ProviderId, accountKey: string): Promise<IntegrationRow | undefined> {
    return (await this.db('integrations')
      .where({ provider, account_key: accountKey })
      .whereIn('status', ['connected', 'error'])
      .first()) as IntegrationRow | undefined;
  }

  /**
   * Claims the account for the organization in one statement. Re-connecting (same or another
   * account) replaces the organization's row for that provider; the partial unique index makes a
   * second organization's claim fail atomically, whatever the timing.
   */
  async connect(
    organizationId: string,
    provider: ProviderId,
    accountIdentifier: Record<string, unknown>,
    accountKey: string,
    claim: { status: 'connected' } | { status: 'pending'; token: string } = { status: 'connected' },
  ): Promise<IntegrationRow> {
    const row = await this.write(organizationId, async (db) => {
      if (claim.status === 'pending') {
        // A pending row holds no claim, but an account another organization holds must still be
        // refused now: claim it in a transaction (the index decides, whatever the timing and whatever
        // rows this organization may see), then step back to pending before anyone sees it connected.
        return db.transaction(async (trx) => {
          const claimed = await this.upsert(trx, organizationId, provider, accountIdentifier, accountKey);
          const [pending] = await trx('integrations')
            .where({ id: claimed!.id })
            .update({ status: 'pending', claim_token: claim.token })
            .returning('*');
          return pending as IntegrationRow | undefined;
        });
      }
      return this.upsert(db, organizationId, provider, accountIdentifier, accountKey);
    });
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  private async upsert(
    db: Db,
    organizationId: string,
    provider: ProviderId,
    accountIdentifier: Record<string, unknown>,
    accountKey: string,
  ): Promise<IntegrationRow | undefined> {
    try {
      const [inserted] = await db('integrations')
        .insert({
          organization_id: organizationId,
          provider,
          status: 'connected',
          account_identifier: JSON.stringify(accountIdentifier),
          account_key: accountKey,
          connected_at: db.fn.now(),
          sync_status: null,
          error_message: null,
          claim_token: null,
        })
        .onConflict(['organization_id', 'provider'])
        .merge([
          'status',
          'account_identifier',
          'account_key',
          'connected_at',
          'sync_status',
          'error_message',
          'last_synced_at',
          'claim_token',
        ])
        .returning('*');
      return inserted as IntegrationRow | undefined;
    } catch (error) {
      if (isClaimConflict(error)) throw new AccountClaimedError();
      throw error;
    }
  }

  /**
   * Ends a pending claim: `approve` makes it connected (failing with AccountClaimedError when another
   * organization holds the account by now), `reject` disconnects it with why. Undefined when the
   * organization has no pending claim for the provider.
   */
  async settleClaim(
    organizationId: string,
    provider: ProviderId,
    decision: { approve: true } | { approve: false; message: string },
  ): Promise<IntegrationRow | undefined> {
    return this.write(organizationId, async (db) => {
      try {
        const [row] = await db('integrations')
          .where({ organization_id: organizationId, provider, status: 'pending' })
          .update(
            decision.approve
              ? { status: 'connected', claim_token: null, error_message: null, updated_at: db.fn.now() }
              : {
                  status: 'disconnected',
                  claim_token: null,
                  error_message: decision.message,
                  updated_at: db.fn.now(),
                },
          )
          .returning('*');
        return row as IntegrationRow | undefined;
      } catch (error) {
        if (isClaimConflict(error)) throw new AccountClaimedError();
        throw error;
      }
    });
  }

  async disconnect(organizationId: string, provider: ProviderId): Promise<IntegrationRow | undefined> {
    return this.write(organizationId, async (db) => {
      const [row] = await db('integrations')
        .where({ organization_id: organizationId, provider })
        .update({
          status: 'disconnected',
          claim_token: null,
          error_message: null,
          sync_status: null,
          updated_at: db.fn.now(),
        })
        .returning('*');
      return row as IntegrationRow | undefined;
    });
  }

  /**
   * Records the result of a provider call on a connected (or erroring) integration. Keyed by the row
   * it was read from: a row that was disconnected or replaced since is left alone.
   */
  async recordHealth(
    row: Pick<IntegrationRow, 'id' | 'organization_id'>,
    health: { ok: true } | { ok: false; message: string },
  ): Promise<IntegrationRow | undefined> {
    return this.write(row.organization_id, async (db) => {
      const [updated] = await db('integrations')
        .where({ id: row.id, organization_id: row.organization_id })
        .whereIn('status', ['connected', 'error'])
        .update(
          health.ok
            ? {
                status: 'connected',
                error_message: null,
                sync_status: 'ok',
                last_synced_at: db.fn.now(),
                updated_at: db.fn.now(),
              }
            : {
                status: 'error',
                error_message: health.message,
                sync_status: 'failed',
                updated_at: db.fn.now(),
              },
        )
        .returning('*');
      return updated as IntegrationRow | undefined;
    });
  }

  /**
   * The one way this repository writes `integrations`: whatever the statement, the organization's
   * cached rows are dropped when it ends (succeeded or not), so no write can leave a stale row behind
   * in this instance. On PostgreSQL the `integrations_notify_change` trigger tells the other
   * instances (migrations/20261126_005); PGlite has no other instance.
   */
  private async write<T>(organizationId: string, statement: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await statement(this.db);
    } finally {
      this.cache.invalidate(organizationId);
    }
  }
}
