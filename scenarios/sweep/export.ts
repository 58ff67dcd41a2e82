/** `lamina sweep export DIR --csv`: DIR/points.csv from the results table (one row per point and repeat). */
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { TABLE_FILE } from './table.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes DIR/points.csv (header: the table's columns; empty cells for NULL) and returns its path. */
export function exportCsv(dir: string): string {
  const path = join(dir, TABLE_FILE);
  if (!existsSync(path)) throw new SpecError(dir, `no ${TABLE_FILE} here (not a sweep's --out directory)`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare('SELECT * FROM points ORDER BY point, repeat');
    const cols = stmt.columns().map((c) => c.name);
    const lines = [cols.map(cell).join(',')];
    for (const row of stmt.raw().iterate() as Iterable<unknown[]>) lines.push(row.map(cell).join(','));
    const out = join(dir, 'points.csv');
    writeFileSync(out, `${lines.join('\n')}\n`);
    return out;
  } finally {
    db.close();
  }
}
