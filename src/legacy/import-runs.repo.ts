import type { Db } from '../db/database';
import type { RowOutcome } from './planner';
import type { SecretScan } from './secret-scan';

export interface ImportCounts {
  rows: number;
  imported: number;
  verified: number;
  failed: number;
  unchanged: number;
  conflicts: number;
  invalid: number;
  planned: number;
}

/** What GraphQL's `LegacyImportRun` resolves from (codegen's naming convention). */
export interface LegacyImportRunRow {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  source: string;
  counts: ImportCounts;
  rows: RowOutcome[];
  purged: boolean;
  secret_scan: SecretScan | null;
}

/** PGlite and pg both parse jsonb, but a driver configured otherwise hands back text. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export class ImportRunsRepo {
  constructor(private readonly db: Db) {}

  async start(source: string): Promise<string> {
    const [row] = (await this.db('legacy_import_runs').insert({ source }).returning('id')) as Array<{
      id: string;
    }>;
    return row!.id;
  }

  async finish(
    id: string,
    result: { counts: ImportCounts; rows: RowOutcome[]; purged: boolean; secretScan: SecretScan | null },
  ): Promise<void> {
    await this.db('legacy_import_runs')
      .where({ id })
      .update({
        finished_at: this.db.fn.now(),
        counts: JSON.stringify(result.counts),
        rows: JSON.stringify(result.rows),
        purged: result.purged,
        secret_scan: result.secretScan === null ? null : JSON.stringify(result.secretScan),
      });
  }

  async latest(limit: number): Promise<LegacyImportRunRow[]> {
    const rows = (await this.db('legacy_import_runs')
      .select('*')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)) as LegacyImportRunRow[];
    return rows.map((row) => ({
      ...row,
      counts: json<ImportCounts>(row.counts),
      rows: json<RowOutcome[]>(row.rows),
      secret_scan: json<SecretScan | null>(row.secret_scan),
    }));
  }
}
