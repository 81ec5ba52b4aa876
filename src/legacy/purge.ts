import fs from 'node:fs';
import path from 'node:path';
import { secretColumns, type ColumnMapping } from './mapping';
import { csvRows, describeSource, jsonRows, toCsv, type LegacyRow, type LegacySource } from './sources';

export interface PurgeResult {
  /** Columns (or JSON keys) removed. */
  columns: string[];
  /** Rows that held a value in one of them. */
  rowsCleared: number;
  /** Where the clean copy is (files), or the table that was cleared. */
  target: string;
  /** True when the original file was overwritten and deleted (`--remove-original`). */
  originalRemoved: boolean;
  /** The rows as they are now, read back from the target: what the scan goes over. */
  after: LegacyRow[];
}

/** `connections.csv` → `connections.purged.csv`, next to it. */
export function purgedPath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.purged${ext}`);
}

/**
 * Removes the secret columns of the source (mapping.secrets). A file is rewritten to a copy without
 * them, and the original is only overwritten and deleted when asked (`removeOriginal`): until then
 * the original is the rollback. A table gets its secret columns set to NULL in one transaction, so a
 * failure half-way leaves every token where it was.
 */
export async function purgeSecrets(
  source: LegacySource,
  columns: readonly string[],
  mapping: ColumnMapping,
  options: { removeOriginal: boolean },
): Promise<PurgeResult> {
  const secret = secretColumns(columns, mapping);
  if (source.kind === 'table') {
    const rowsCleared = await source.db.transaction(async (trx) => {
      let cleared = 0;
      if (secret.length) {
        cleared = await trx(source.table)
          .where((q) => {
            for (const column of secret) q.orWhereNotNull(column);
          })
          .update(Object.fromEntries(secret.map((column) => [column, null])));
      }
      return cleared;
    });
    const after = (await source.db(source.table).select('*')) as LegacyRow[];
    return { columns: secret, rowsCleared, target: describeSource(source), originalRemoved: false, after };
  }

  const text = fs.readFileSync(source.file, 'utf8');
  const target = purgedPath(source.file);
  let rowsCleared = 0;
  const strip = (row: LegacyRow): LegacyRow => {
    const kept = { ...row };
    let had = false;
    for (const column of secret) {
      if (kept[column] !== undefined && kept[column] !== null && kept[column] !== '') had = true;
      delete kept[column];
    }
    if (had) rowsCleared++;
    return kept;
  };
  if (source.kind === 'json') {
    const data = JSON.parse(text) as unknown;
    const cleaned = Array.isArray(data)
      ? jsonRows(text, source.file).map(strip)
      : { ...(data as object), connections: jsonRows(text, source.file).map(strip) };
    writePrivate(target, `${JSON.stringify(cleaned, null, 2)}\n`);
  } else {
    const rows = csvRows(text).map(strip);
    writePrivate(
      target,
      toCsv(
        columns.filter((c) => !secret.includes(c)),
        rows,
      ),
    );
  }
  if (options.removeOriginal) overwriteAndDelete(source.file);
  const afterText = fs.readFileSync(target, 'utf8');
  const after = source.kind === 'json' ? jsonRows(afterText, target) : csvRows(afterText);
  return {
    columns: secret,
    rowsCleared,
    target: path.resolve(target),
    originalRemoved: options.removeOriginal,
    after,
  };
}

/** Written to a temporary name and renamed: a crash never leaves half a file under the final name. */
function writePrivate(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/**
 * Zeros over the old bytes before unlinking, so the tokens are not left in the freed blocks of a
 * plain filesystem (copy-on-write filesystems and SSD wear levelling may still keep old blocks:
 * the README says so).
 */
function overwriteAndDelete(file: string): void {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(size), 0, size, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.unlinkSync(file);
}
