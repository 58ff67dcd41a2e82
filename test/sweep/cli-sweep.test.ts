/**
 * `lamina sweep` as a batch job runs it: interrupted by SIGTERM and rerun, the table equals an
 * uninterrupted sweep's; a changed sweep file under an existing directory and a bad one exit 2; the CSV
 * export reads back as the table.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { TINY_SPIKING } from './specs.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-cli-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function write(name: string, v: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(v, null, 1));
  return p;
}

/** The points table without timings, in point order. */
function table(out: string): Record<string, unknown>[] {
  const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, unknown>[]).map(({ wall_s: _w, ...rest }) => rest);
  } finally {
    db.close();
  }
}

write('tiny.json', TINY_SPIKING);
const sweepDef = {
  base: 'tiny.json', steps: 300, seed: 7, repeats: 2,
  axes: [{ path: 'populations.E.params.tau_m', values: [10, 15, 20, 25] }],
  metrics: [{ metric: 'rate', population: 'E' }, { metric: 'synchrony', population: 'E', bin: 2 }, { metric: 'fano', population: 'E', bin: 5 }],
};

describe('lamina sweep', () => {
  it('SIGTERM finishes the batch in flight and exits 143; the rerun skips done points and the table equals an uninterrupted one', async () => {
    const file = write('sweep.json', sweepDef);
    const whole = join(dir, 'whole');
    const r = lamina('sweep', file, '--out', whole, '--max-batch', '2');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/8 runs \(4 points x 2 repeats\) in 4 batches/);
    expect(r.err).toMatch(/lamina: sweep: 2\/8 runs, [\d.]+ runs\/s, ETA [\d.]+ s \(batch 1\/4\)/);

    const cut = join(dir, 'cut');
    const child = spawn(process.execPath, ['bin/lamina.js', 'sweep', file, '--out', cut, '--max-batch', '2', '--progress', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // After the first batch is recorded, stop the job as Slurm would at its time limit.
      if (err.includes('"event":"progress"') && !child.killed) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(code, err).toBe(143);
    const progress = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(progress[0]).toMatchObject({ event: 'progress', done: 2, total: 8, batch: 1, batches: 4 });
    expect(progress.at(-1)).toMatchObject({ event: 'end', status: 'interrupted' });
    const partial = table(cut);
    const doneBefore = partial.filter((x) => x.status === 'done').length;
    expect(doneBefore).toBeGreaterThanOrEqual(2);
    expect(doneBefore).toBeLessThan(8);
    expect(partial.filter((x) => x.status === 'pending').every((x) => x.rate_E === null)).toBe(true);

    const again = lamina('sweep', file, '--out', cut, '--max-batch', '2');
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain(`; ${doneBefore} done already`);
    expect(table(cut)).toEqual(table(whole));
    expect(table(whole).every((x) => x.status === 'done' && typeof x.rate_E === 'number')).toBe(true);
  });

  it('a changed sweep file under an existing directory exits 2 naming the difference; a bad one names the field', () => {
    const out = join(dir, 'whole');
    const changed = write('sweep.json', { ...sweepDef, axes: [{ path: 'populations.E.params.tau_m', values: [10, 15, 21, 25] }] });
    const r = lamina('sweep', changed, '--out', out);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('axes[0].values[2]: 20 -> 21');
    expect(r.err).not.toContain('    at ');
    // The same sweep file over a changed base spec is refused too.
    write('tiny.json', { ...TINY_SPIKING, populations: [{ ...TINY_SPIKING.populations[0], size: 41 }, TINY_SPIKING.populations[1]] });
    const base = lamina('sweep', write('same.json', sweepDef), '--out', out);
    write('tiny.json', TINY_SPIKING);
    expect(base.code, base.err).toBe(2);
    expect(base.err).toContain('another base spec (populations[0].size: 40 -> 41)');
    const bad = write('bad.json', { ...sweepDef, axes: [{ path: 'populations.E.params.tau_m', range: { from: 1, to: 2 } }] });
    const b = lamina('sweep', bad, '--out', join(dir, 'bad'));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^lamina: error: axes\[0\]\.range\.steps: /);
    const unknown = write('unknown-path.json', { ...sweepDef, axes: [{ path: 'populations.X.params.tau_m', values: [1] }] });
    const u = lamina('sweep', unknown, '--out', join(dir, 'unknown'));
    expect(u.code).toBe(2);
    expect(u.err).toContain('axes[0].path: "populations.X.params.tau_m": no item named "X" in populations');
    const flag = lamina('run', join(dir, 'tiny.json'), '--max-batch', '4');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--max-batch applies to lamina sweep only');
  });

  it('export --csv --parquet writes points.csv and points.parquet, which read back as the table', async () => {
    const out = join(dir, 'whole');
    const r = lamina('sweep', 'export', out, '--csv', '--parquet');
    expect(r.code, r.err).toBe(0);
    const [header, ...lines] = readFileSync(join(out, 'points.csv'), 'utf8').trimEnd().split('\n');
    const cols = header.split(',');
    expect(cols).toEqual(['point', 'point_id', 'repeat', 'seed', 'populations.E.params.tau_m', 'rate_E', 'synchrony_E', 'fano_E', 'status', 'wall_s', 'batch', 'error']);
    const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM points ORDER BY point, repeat').all() as Record<string, unknown>[];
    db.close();
    expect(lines).toHaveLength(rows.length);
    lines.forEach((line, k) => {
      const cells = line.split(',');
      cols.forEach((c, j) => {
        const v = rows[k][c];
        if (v === null) expect(cells[j]).toBe('');
        else if (typeof v === 'number') expect(Number(cells[j])).toBe(v);
        else expect(cells[j]).toBe(v);
      });
    });
    const file = readFileSync(join(out, 'points.parquet'));
    const parquet = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) });
    expect(parquet).toHaveLength(rows.length);
    parquet.forEach((p, k) => {
      for (const c of cols) expect(typeof p[c] === 'bigint' ? Number(p[c]) : p[c], c).toEqual(rows[k][c]);
    });
  });

  it("a scenario's summary fields: each point's row equals lamina run of that point with its seed", () => {
    const file = write('coba-sweep.json', {
      base: 'coba', steps: 300, seed: 2,
      axes: [{ path: 'projections.IE.weight', values: [6.7, 3] }],
      metrics: [{ metric: 'summary', field: 'mean_rate_hz' }, { metric: 'summary', field: 'mean_cv_isi', name: 'cv' }],
    });
    const out = join(dir, 'coba');
    const r = lamina('sweep', file, '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const rows = table(out);
    // Point 0 is the scenario as it stands (IE weight 6.7): the same run, seeded alike, by lamina run.
    const run = lamina('run', 'coba', '--steps', '300', '--seed', String(rows[0].seed), '--out', join(dir, 'coba-run'), '--quiet');
    // 30 ms is too short for COBA's checks: exit 3 (a failed check), or 0; either way summary.json is written.
    expect([0, 3], run.err).toContain(run.code);
    const summary = JSON.parse(readFileSync(join(dir, 'coba-run', 'summary.json'), 'utf8'));
    expect(rows[0].mean_rate_hz).toBe(summary.mean_rate_hz);
    expect(rows[0].cv).toBe(summary.mean_cv_isi);
    // Weaker inhibition, higher rate.
    expect(rows[1].mean_rate_hz as number).toBeGreaterThan(rows[0].mean_rate_hz as number);
  });

  it('a point whose state overflows is a failed row naming the fault; the sweep exits 1', () => {
    write('diverging.json', {
      dt: 1, populations: [{ name: 'b', size: 2, tau: 2, activation: 'linear', init: [1, 2] }],
      projections: [{ name: 'bb', from: 'b', to: 'b', weights: { type: 'dense', values: [[2, 0], [0, 2]] } }],
    });
    const file = write('diverging-sweep.json', { base: 'diverging.json', steps: 300, axes: [{ path: 'populations.b.tau', values: [2] }], metrics: [{ metric: 'mean', population: 'b' }] });
    const r = lamina('sweep', file, '--out', join(dir, 'diverging'));
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('0 of 1 runs done, 1 failed');
    const [row] = table(join(dir, 'diverging'));
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/numerical fault at step \d+: x of population "b"/);
  });
});
