import { providers, type ProviderId } from '../datasources/registry';
import type { AuditRepo } from '../db/audit.repo';
import type { Db } from '../db/database';
import { asOwner } from '../db/tenant-scope';
import type { IntegrationRow, IntegrationsRepo } from '../db/integrations.repo';
import type { OrganizationsRepo } from '../db/organizations.repo';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { IntegrationsService } from '../services/integrations.service';
import { ImportRunsRepo, type ImportCounts } from './import-runs.repo';
import type { ColumnMapping } from './mapping';
import { planRows, type PlannedRow, type RowOutcome } from './planner';
import { purgeSecrets, type PurgeResult } from './purge';
import { scanForSecrets, type SecretScan } from './secret-scan';
import { describeSource, readSource, type LegacySource } from './sources';

/** The gateway parts the importer writes through: the same ones a connectIntegration goes through. */
export interface ImporterDeps {
  db: Db;
  integrations: IntegrationsService;
  integrationsRepo: IntegrationsRepo;
  audit: AuditRepo;
  organizations: OrganizationsRepo;
  logger: Logger;
}

export interface ImportOptions {
  source: LegacySource;
  mapping: ColumnMapping;
  dryRun: boolean;
  purge: boolean;
  removeOriginal: boolean;
  /** Called after each row (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  runId: string | null;
  dryRun: boolean;
  source: string;
  counts: ImportCounts;
  rows: RowOutcome[];
  /** Token-shaped values in the source as read (before any purge). */
  secretsInSource: SecretScan;
  purge: Omit<PurgeResult, 'after'> | null;
  /** The scan of the purged target: empty findings prove no secret remains. */
  secretsRemaining: SecretScan | null;
}

/** The audit log's actor for everything the importer does. */
export const IMPORTER_ACTOR = { actorId: 'importer', actorRole: 'importer', action: 'legacy.import' };

/**
 * Reads, plans, connects and tests each row, then (when asked) purges the source's secrets and
 * scans what is left. A dry run reads and plans only: no write to the gateway's database, no
 * provider call, no purge.
 */
export function runImport(options: ImportOptions, deps: ImporterDeps): Promise<ImportReport> {
  // Rows of many organizations, and a source table of the operator's choosing: the importer is a
  // platform code path of row-level security, run as the owner (src/db/tenant-scope.ts).
  return asOwner('legacy importer', () => importRows(options, deps));
}

async function importRows(options: ImportOptions, deps: ImporterDeps): Promise<ImportReport> {
  if (options.dryRun && options.purge) {
    throw new Error('--purge-legacy-secrets cannot be combined with --dry-run: a purge is a write.');
  }
  const { rows, columns } = await readSource(options.source);
  const source = describeSource(options.source);
  const secretsInSource = scanForSecrets(rows, options.mapping, source);
  const planned = planRows(rows, options.mapping);
  const runs = new ImportRunsRepo(deps.db);
  const runId = options.dryRun ? null : await runs.start(source);

  const outcomes: RowOutcome[] = [];
  for (const [index, row] of planned.entries()) {
    outcomes.push(await settle(row, runId, options.dryRun, deps));
    options.onProgress?.(index + 1, planned.length);
  }

  let purge: PurgeResult | null = null;
  let secretsRemaining: SecretScan | null = null;
  if (options.purge) {
    purge = await purgeSecrets(options.source, columns, options.mapping, {
      removeOriginal: options.removeOriginal,
    });
    secretsRemaining = scanForSecrets(purge.after, options.mapping, purge.target);
  }
  const counts = countOf(outcomes);
  if (runId) {
    await runs.finish(runId, {
      counts,
      rows: outcomes,
      purged: purge !== null,
      secretScan: secretsRemaining,
    });
  }
  const { after: _after, ...purgeSummary } = purge ?? { after: null };
  return {
    runId,
    dryRun: options.dryRun,
    source,
    counts,
    rows: outcomes,
    secretsInSource,
    purge: purge ? (purgeSummary as Omit<PurgeResult, 'after'>) : null,
    secretsRemaining,
  };
}

/** One row against the gateway's state: unchanged, conflicting, or connected and tested. */
async function settle(
  planned: PlannedRow,
  runId: string | null,
  dryRun: boolean,
  deps: ImporterDeps,
): Promise<RowOutcome> {
  const { input: _input, fingerprint: _fingerprint, ...outcome } = planned;
  if (planned.result === 'invalid' || planned.result === 'conflict') {
    if (!dryRun) await audit(deps, planned, outcome, runId);
    return outcome;
  }
  if (planned.result === 'unchanged') return outcome;

  const organizationId = planned.organizationId!;
  const provider = planned.provider!;
  const name = providers[provider].displayName;
  const [existing] = await deps.integrationsRepo.forOrganizationAndProviders(organizationId, [provider]);
  if (existing && existing.account_key === planned.accountKey) {
    // Connected by an earlier run (or by the organization itself): nothing to do, and no audit row,
    // so that running twice changes nothing. A row disconnected since is not reconnected.
    return {
      ...outcome,
      result: 'unchanged',
      status: existing.status,
      reason:
        existing.status === 'disconnected'
          ? 'disconnected in the gateway since; not reconnected'
          : existing.status === 'error'
            ? `already imported; its last test failed: ${existing.error_message ?? 'no message'}`
            : 'already connected',
    };
  }
  if (existing && existing.status !== 'disconnected') {
    return conflict(
      `the organization already has the ${name} account ${existing.account_key} in the gateway`,
    );
  }
  const claim = await deps.integrationsRepo.findClaim(provider, planned.accountKey!);
  if (claim && claim.organization_id !== organizationId) {
    return conflict(`the ${name} account is connected to another organization in the gateway`);
  }
  if (dryRun) return { ...outcome, result: 'planned', reason: 'would be connected and tested' };

  let row: IntegrationRow;
  try {
    // Organizations are otherwise created by their first token; an import may come first.
    await deps.organizations.ensure(organizationId, undefined);
    row = await deps.integrations.connect(organizationId, provider, planned.input);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    if (error.code === 'ACCOUNT_ALREADY_CONNECTED') return conflict(error.message);
    const failed = { ...outcome, result: 'failed' as const, reason: error.message, status: null };
    await audit(deps, planned, failed, runId, error.code);
    return failed;
  }
  const tested = await deps.integrations.test(organizationId, provider, deps.logger);
  const result: RowOutcome = {
    ...outcome,
    accountKey: row.account_key,
    result: tested.errorCode ? 'failed' : 'verified',
    status: tested.row.status,
    reason: tested.errorCode ? (tested.row.error_message ?? tested.errorCode) : null,
  };
  await audit(deps, planned, result, runId, tested.errorCode);
  return result;

  async function conflict(reason: string): Promise<RowOutcome> {
    const result: RowOutcome = { ...outcome, result: 'conflict', reason };
    if (!dryRun) await audit(deps, { ...planned, ...result }, result, runId);
    return result;
  }
}

const AUDIT_OUTCOME = { verified: 'ok', failed: 'error', conflict: 'denied', invalid: 'error' } as const;

/**
 * One audit row per row outcome, filed under the row's organization with the importer as actor.
 * An outcome other than `verified` that an earlier run already recorded for the same row is not
 * recorded again: re-running the same export adds nothing to the log.
 */
async function audit(
  deps: ImporterDeps,
  planned: PlannedRow,
  outcome: RowOutcome,
  runId: string | null,
  errorCode: string | null = null,
): Promise<void> {
  if (!planned.organizationId) return;
  const result = outcome.result as keyof typeof AUDIT_OUTCOME;
  if (!(result in AUDIT_OUTCOME)) return;
  if (result !== 'verified') {
    const earlier = await deps
      .db('audit_log')
      .where({ organization_id: planned.organizationId, action: IMPORTER_ACTOR.action })
      .whereRaw(`arguments->>'fingerprint' = ?`, [planned.fingerprint])
      .whereRaw(`arguments->>'result' = ?`, [result])
      .first('id');
    if (earlier) return;
  }
  await deps.audit.append({
    requestId: `legacy-import:${runId}`,
    organizationId: planned.organizationId,
    actorId: IMPORTER_ACTOR.actorId,
    actorRole: IMPORTER_ACTOR.actorRole,
    action: IMPORTER_ACTOR.action,
    provider: (outcome.provider as ProviderId | null) ?? null,
    accountKey: outcome.accountKey,
    outcome: AUDIT_OUTCOME[result],
    errorCode:
      errorCode ??
      (result === 'conflict' ? 'ACCOUNT_ALREADY_CONNECTED' : result === 'invalid' ? 'BAD_USER_INPUT' : null),
    arguments: {
      runId,
      row: outcome.row,
      rowId: outcome.rowId,
      result,
      reason: outcome.reason,
      fingerprint: planned.fingerprint,
    },
  });
}

function countOf(rows: readonly RowOutcome[]): ImportCounts {
  const count = (result: RowOutcome['result']) => rows.filter((row) => row.result === result).length;
  return {
    rows: rows.length,
    imported: count('verified') + rows.filter((r) => r.result === 'failed' && r.status).length,
    verified: count('verified'),
    failed: count('failed'),
    unchanged: count('unchanged'),
    conflicts: count('conflict'),
    invalid: count('invalid'),
    planned: count('planned'),
  };
}
