import type { ImportReport } from './importer';
import type { RowOutcome } from './planner';

const RESULT_WORD: Record<RowOutcome['result'], string> = {
  planned: 'would import',
  verified: 'verified',
  failed: 'FAILED',
  unchanged: 'unchanged',
  conflict: 'CONFLICT',
  invalid: 'INVALID',
};

/** The report as a plain-text table for a terminal (no colours: it is also pasted into tickets). */
export function formatReport(report: ImportReport): string {
  const header = ['Row', 'Organization', 'Provider', 'Account', 'Result', 'Reason'];
  const lines = report.rows.map((r) => [
    r.rowId ? `${r.row} (${r.rowId})` : String(r.row),
    r.organizationId ?? '-',
    r.provider ?? '-',
    r.accountKey ?? '-',
    RESULT_WORD[r.result],
    r.reason ?? '',
  ]);
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...lines.map((l) => l[i]!.length))));
  const fit = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  // The reason, last, is never cut: it is what the operator acts on.
  const row = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : fit(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  const c = report.counts;
  const out = [
    `${report.dryRun ? 'DRY RUN (nothing written) — ' : ''}legacy import from ${report.source}${report.runId ? ` (run ${report.runId})` : ''}`,
    '',
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...lines.map(row),
    '',
    report.dryRun
      ? `${c.rows} rows: ${c.planned} would be imported, ${c.unchanged} unchanged, ${c.conflicts} conflicts, ${c.invalid} invalid`
      : `${c.rows} rows: ${c.imported} imported (${c.verified} verified, ${c.failed} failed), ${c.unchanged} unchanged, ${c.conflicts} conflicts, ${c.invalid} invalid`,
    `token-shaped values in the source: ${report.secretsInSource.findings.length}`,
  ];
  if (report.purge) {
    out.push(
      `purge: ${report.purge.columns.length ? report.purge.columns.join(', ') : 'no secret columns found'} removed from ${report.purge.rowsCleared} rows → ${report.purge.target}${report.purge.originalRemoved ? ' (original overwritten and deleted)' : ' (original kept: delete it with --remove-original once checked)'}`,
    );
  }
  const notImported = c.failed + c.conflicts + c.invalid;
  if (report.purge && notImported > 0) {
    out.push(
      `note: ${notImported} rows were not imported (failed, conflicts, invalid); their tokens were removed as well`,
    );
  }
  if (report.secretsRemaining) {
    const findings = report.secretsRemaining.findings;
    out.push(
      findings.length === 0
        ? `secret scan of ${report.secretsRemaining.scanned}: ${report.secretsRemaining.values} values in ${report.secretsRemaining.rows} rows, no secret remains`
        : `secret scan of ${report.secretsRemaining.scanned}: ${findings.length} token-shaped values REMAIN: ${findings
            .slice(0, 10)
            .map((f) => `row ${f.row} ${f.column} (${f.kind})`)
            .join(
              ', ',
            )}${findings.length > 10 ? ', …' : ''} — add those columns to "secrets" in --mapping and purge again`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * A one-line progress bar on stderr, redrawn in place; only on a terminal (a log file or CI gets
 * none). Written by hand: one line with `\r` is all it takes, not worth a dependency.
 */
export function progressBar(stream: NodeJS.WriteStream): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  const width = 30;
  return (done, total) => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows`);
    if (done === total) stream.write('\n');
  };
}
