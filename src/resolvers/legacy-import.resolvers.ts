import { toGraphQLProvider } from '../datasources/registry';
import type {
  IntegrationStatus,
  LegacyImportResult,
  LegacyImportRunResolvers,
  QueryResolvers,
  Resolvers,
} from '../generated/graphql';
import { ImportRunsRepo } from '../legacy/import-runs.repo';

const MAX_RUNS = 100;

const Query: Pick<QueryResolvers, 'legacyImportRuns'> = {
  legacyImportRuns: (_source, { first }, context) =>
    new ImportRunsRepo(context.services.db).latest(Math.min(Math.max(first ?? 20, 1), MAX_RUNS)),
};

const LegacyImportRun: LegacyImportRunResolvers = {
  startedAt: (run) => run.started_at,
  finishedAt: (run) => run.finished_at,
  counts: (run) => run.counts,
  purged: (run) => run.purged,
  secretsRemaining: (run) => (run.secret_scan ? run.secret_scan.findings.length : null),
  rows: (run) =>
    // Dry-run-only results are never stored; `planned` cannot reach here.
    run.rows.map((row) => ({
      row: row.row,
      rowId: row.rowId,
      organizationId: row.organizationId,
      provider: row.provider ? (toGraphQLProvider(row.provider) as never) : null,
      accountKey: row.accountKey,
      result: row.result.toUpperCase() as LegacyImportResult,
      reason: row.reason,
      status: row.status ? (row.status.toUpperCase() as IntegrationStatus) : null,
    })),
};

/** The migration off per-user tokens (src/legacy/): its runs, for platform administrators. */
export const LegacyImportResolvers: Resolvers = { Query, LegacyImportRun };
