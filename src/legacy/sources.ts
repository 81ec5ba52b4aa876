import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Db } from '../db/database';

/** One legacy row, as read: column name → value (strings from CSV, anything from JSON or a table). */
export type LegacyRow = Record<string, unknown>;

/**
 * Where legacy rows come from. A file is JSON (an array of objects, or `{ "connections": [...] }`)
 * or CSV (a header line); a table is read with knex from any PostgreSQL database (a separate
 * `postgres://` one, or the gateway's own, which is how it is tested on PGlite too).
 */
export type LegacySource =
  | { kind: 'json'; file: string }
  | { kind: 'csv'; file: string }
  | { kind: 'table'; db: Db; table: string; label: string };

/** `schema.table` or `table`: plain identifiers only, so a name cannot smuggle SQL in. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

export function assertTableName(table: string): void {
  if (!TABLE_NAME.test(table)) {
    throw new Error(`--table must be a table name such as user_tokens or legacy.user_tokens (got ${table}).`);
  }
}

export function fileSource(file: string): LegacySource {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return { kind: 'json', file };
  if (ext === '.csv') return { kind: 'csv', file };
  throw new Error(`--from ${file}: a legacy export must be a .json or .csv file (or a postgres:// URL).`);
}

/** How the source is named in reports and in the runs table: never a password. */
export function describeSource(source: LegacySource): string {
  return source.kind === 'table' ? source.label : path.resolve(source.file);
}

/** A PostgreSQL URL without its password, for reports. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export interface ReadResult {
  rows: LegacyRow[];
  /** Every column seen, in first-seen order (the purge and the scan go over all of them). */
  columns: string[];
}

export async function readSource(source: LegacySource): Promise<ReadResult> {
  const rows = await readRows(source);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const column of Object.keys(row)) {
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
    }
  }
  return { rows, columns };
}

async function readRows(source: LegacySource): Promise<LegacyRow[]> {
  switch (source.kind) {
    case 'json':
      return jsonRows(fs.readFileSync(source.file, 'utf8'), source.file);
    case 'csv':
      return csvRows(fs.readFileSync(source.file, 'utf8'));
    case 'table': {
      assertTableName(source.table);
      return (await source.db(source.table).select('*')) as LegacyRow[];
    }
  }
}

export function jsonRows(text: string, file: string): LegacyRow[] {
  const data = JSON.parse(text) as unknown;
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object' && Array.isArray((data as { connections?: unknown }).connections)
      ? (data as { connections: unknown[] }).connections
      : undefined;
  if (!list || !list.every((row) => row && typeof row === 'object' && !Array.isArray(row))) {
    throw new Error(`${file}: expected an array of objects (or { "connections": [...] }).`);
  }
  return list as LegacyRow[];
}

/**
 * csv-parse rather than splitting lines: exports quote values with commas, quotes and line breaks
 * (RFC 4180), and a token split in half would be both a wrong import and a secret the purge misses.
 */
export function csvRows(text: string): LegacyRow[] {
  return parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, trim: false }) as LegacyRow[];
}

/** RFC 4180 output for the rewritten file: quoted when a value holds a comma, quote or line break. */
export function toCsv(columns: readonly string[], rows: readonly LegacyRow[]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns, ...rows.map((row) => columns.map((c) => row[c]))]
    .map((line) => line.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}
