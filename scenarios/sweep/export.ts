/**
 * `lamina sweep export DIR --csv | --parquet`: DIR/points.csv or DIR/points.parquet from the results
 * table (one row per point and repeat, the table's columns).
 */
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { TABLE_FILE } from './table.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The points table, in point order: column names and rows. */
function readPoints(dir: string): { cols: string[]; types: (string | null)[]; rows: unknown[][] } {
  const path = join(dir, TABLE_FILE);
  if (!existsSync(path)) throw new SpecError(dir, `no ${TABLE_FILE} here (not a sweep's --out directory)`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare('SELECT * FROM points ORDER BY point, repeat');
    const columns = stmt.columns();
    return { cols: columns.map((c) => c.name), types: columns.map((c) => c.type), rows: stmt.raw().all() as unknown[][] };
  } finally {
    db.close();
  }
}

/** Writes DIR/points.csv (header: the table's columns; empty cells for NULL) and returns its path. */
export function exportCsv(dir: string): string {
  const { cols, rows } = readPoints(dir);
  const lines = [cols.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))];
  const out = join(dir, 'points.csv');
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}

/**
 * Writes DIR/points.parquet: INTEGER columns as INT64, REAL as DOUBLE, TEXT as UTF-8 strings, NULL as
 * null (pandas.read_parquet reads it). Returns its path.
 */
export function exportParquet(dir: string): string {
  const { cols, types, rows } = readPoints(dir);
  const columnData = cols.map((name, j) => {
    const t = types[j]?.toUpperCase();
    const data = rows.map((r) => r[j] ?? null);
    if (t === 'INTEGER') return { name, type: 'INT64' as const, data: data.map((v) => (v === null ? null : BigInt(v as number))) };
    if (t === 'REAL') return { name, type: 'DOUBLE' as const, data };
    return { name, type: 'STRING' as const, data };
  });
  const out = join(dir, 'points.parquet');
  writeFileSync(out, new Uint8Array(parquetWriteBuffer({ columnData })));
  return out;
}
