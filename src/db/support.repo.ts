import type { Db } from './database';
import type { IntegrationRow } from './integrations.repo';
import type { OrganizationRow } from './organizations.repo';

/** Codes that mean a provider or the gateway failed, not that a user typed something wrong. */
const FAILURE_CODES = [
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'UPSTREAM_RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
];
const RECENT_HOURS = 24;

/** What Query.supportAttention resolves from (codegen's `…Row` convention). */
export interface SupportAttentionItemRow {
  integration: IntegrationRow;
  organizationName: string;
  recentFailures: number;
  lastFailureAt: Date | null;
  failedWebhookEvents: number;
}

/** What PendingIntegrationClaim resolves from. */
export interface PendingIntegrationClaimRow {
  integration: IntegrationRow;
  organizationName: string;
}

/** What OrganizationSummary resolves from. */
export type OrganizationSummaryRow = OrganizationRow;

/**
 * Reads across every organization for platform administrators' support view. Kept apart from the
 * tenant-scoped repositories on purpose: nothing here is reachable without PLATFORM_ADMIN.
 */
export class SupportRepo {
  constructor(private readonly db: Db) {}

  async attention(limit: number): Promise<SupportAttentionItemRow[]> {
    const failures = this.db('audit_log')
      .select('organization_id', 'provider')
      .count({ failures: '*' })
      .max({ last_failure_at: 'at' })
      .where('outcome', 'error')
      .whereIn('error_code', FAILURE_CODES)
      .whereNotNull('provider')
      .where('at', '>', this.db.raw(`now() - interval '${RECENT_HOURS} hours'`))
      .groupBy('organization_id', 'provider')
      .as('f');
    const failedEvents = this.db('webhook_events')
      .select('organization_id', 'provider')
      .count({ failed_events: '*' })
      .whereIn('state', ['failed', 'dead'])
      .whereNotNull('organization_id')
      .groupBy('organization_id', 'provider')
      .as('w');
    const rows = (await this.db('integrations as i')
      .join('organizations as o', 'o.id', 'i.organization_id')
      .leftJoin(failures, function () {
        this.on('f.organization_id', 'i.organization_id').andOn('f.provider', 'i.provider');
      })
      .leftJoin(failedEvents, function () {
        this.on('w.organization_id', 'i.organization_id').andOn('w.provider', 'i.provider');
      })
      .select('i.*', 'o.name as organization_name', 'f.failures', 'f.last_failure_at', 'w.failed_events')
      .where((q) =>
        q.where('i.status', 'error').orWhereNotNull('f.failures').orWhereNotNull('w.failed_events'),
      )
      .orderByRaw(
        `(i.status = 'error') DESC, coalesce(f.failures, 0) DESC, coalesce(w.failed_events, 0) DESC, i.updated_at DESC`,
      )
      .limit(limit)) as Array<
      IntegrationRow & {
        organization_name: string;
        failures: string | number | null;
        last_failure_at: Date | null;
        failed_events: string | number | null;
      }
    >;
    return rows.map(({ organization_name, failures, last_failure_at, failed_events, ...integration }) => ({
      integration,
      organizationName: organization_name,
      // count() is a bigint: a string from pg, a number from PGlite.
      recentFailures: Number(failures ?? 0),
      lastFailureAt: last_failure_at,
      failedWebhookEvents: Number(failed_events ?? 0),
    }));
  }

  /** Claims waiting for approval (ACCOUNT_CLAIM_POLICY=approval), oldest first. */
  async pendingClaims(limit: number): Promise<PendingIntegrationClaimRow[]> {
    const rows = (await this.db('integrations as i')
      .join('organizations as o', 'o.id', 'i.organization_id')
      .select('i.*', 'o.name as organization_name')
      .where('i.status', 'pending')
      .orderBy([{ column: 'i.connected_at' }, { column: 'i.id' }])
      .limit(limit)) as Array<IntegrationRow & { organization_name: string }>;
    return rows.map(({ organization_name, ...integration }) => ({
      integration,
      organizationName: organization_name,
    }));
  }

  /** By name (substring, case-insensitive) or exact id; alphabetical. */
  async organizations(search: string | undefined, limit: number): Promise<OrganizationRow[]> {
    const query = this.db('organizations')
      .select('id', 'name', 'created_at')
      .orderBy(['name', 'id'])
      .limit(limit);
    if (search) {
      // The search text is data, never a pattern: LIKE's wildcards in it match themselves.
      const literal = search.replace(/[\\%_]/g, (c) => `\\${c}`);
      query.where((q) => {
        q.whereRaw(`name ILIKE ? ESCAPE '\\'`, [`%${literal}%`]);
        if (/^[0-9a-f-]{36}$/i.test(search)) q.orWhere('id', search.toLowerCase());
      });
    }
    return (await query) as OrganizationRow[];
  }
}
