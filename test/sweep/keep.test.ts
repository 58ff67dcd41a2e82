/**
 * Kept per-point recordings: a kept point's files equal a `lamina run` of that point alone (its spec.json)
 * and the spikes its metric row was computed from; a resumed sweep replaces an interrupted batch's files
 * and leaves finished points' files alone.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '../../engine/node/npy-files.ts';
import { TINY_SPIKING } from './specs.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-keep-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, err: r.stderr };
}

/** Spike rows (step, instance, neuron) of a .npy file, sorted (the order within a step is not fixed). */
function spikes(path: string): number[][] {
  const { data, shape } = readNpyFile(path);
  expect(shape[1]).toBe(3);
  return Array.from({ length: shape[0] }, (_, k) => [data[3 * k], data[3 * k + 1], data[3 * k + 2]]).sort((a, b) => a[0] - b[0] || a[2] - b[2]);
}

writeFileSync(join(dir, 'tiny.json'), JSON.stringify(TINY_SPIKING));
const sweepFile = join(dir, 'sweep.json');
writeFileSync(sweepFile, JSON.stringify({
  base: 'tiny.json', steps: 300, seed: 5,
  axes: [{ path: 'populations.E.params.tau_m', values: [10, 15, 20] }],
  metrics: [{ metric: 'rate', population: 'E' }],
  keep: { points: [1, 2], record: [{ name: 'spikes_E', population: 'E', what: 'spikes' }, { name: 'V_E', population: 'E', what: 'V', units: [0, 3, 7] }] },
}));

describe('kept recordings', () => {
  it('equal a lamina run of the point alone and the row\'s metric; a resume replaces only unfinished points\' files', () => {
    const out = join(dir, 'out');
    // Batches: points 0 and 1, then point 2: point 1 is instance 1 of its batch.
    const r = lamina('sweep', sweepFile, '--out', out, '--max-batch', '2', '--quiet');
    expect(r.code, r.err).toBe(0);
    const db = new Database(join(out, 'sweep.sqlite'));
    const rows = db.prepare('SELECT point, point_id, rate_E FROM points ORDER BY point').all() as { point: number; point_id: string; rate_E: number }[];
    expect(readdirSync(join(out, 'points')).sort()).toEqual([rows[1].point_id, rows[2].point_id].sort());
    const kept = (p: number) => join(out, 'points', rows[p].point_id, 'r0');

    const one = join(dir, 'one');
    const alone = lamina('run', join(kept(1), 'spec.json'), '--out', one, '--quiet');
    expect(alone.code, alone.err).toBe(0);
    const mine = spikes(join(kept(1), 'spikes_E.npy'));
    expect(mine.length).toBeGreaterThan(10);
    expect(mine).toEqual(spikes(join(one, 'spikes_E.npy')));
    expect(mine.every((s) => s[1] === 0)).toBe(true);
    const v = readNpyFile(join(kept(1), 'V_E.npy'));
    expect(v.shape).toEqual([300, 1, 3]);
    expect([...v.data]).toEqual([...readNpyFile(join(one, 'V_E.npy')).data]);
    // The metric row of each kept point counts the same spikes: rate = spikes / (40 neurons x 30 ms).
    for (const p of [1, 2]) expect(spikes(join(kept(p), 'spikes_E.npy')).length / 40 / 0.03).toBeCloseTo(rows[p].rate_E, 6);

    // Point 2's batch interrupted: its row pending, its files cut short and a stray file left behind.
    const whole = spikes(join(kept(2), 'spikes_E.npy'));
    db.prepare("UPDATE points SET status = 'pending', rate_E = NULL WHERE point = 2").run();
    db.close();
    truncateSync(join(kept(2), 'spikes_E.npy'), 140);
    writeFileSync(join(kept(2), 'stray.npy'), 'x');
    const before = statSync(join(kept(1), 'spikes_E.npy')).mtimeMs;
    const again = lamina('sweep', sweepFile, '--out', out, '--max-batch', '2', '--quiet');
    expect(again.code, again.err).toBe(0);
    expect(spikes(join(kept(2), 'spikes_E.npy'))).toEqual(whole);
    expect(existsSync(join(kept(2), 'stray.npy'))).toBe(false);
    expect(statSync(join(kept(1), 'spikes_E.npy')).mtimeMs).toBe(before);
  });

  it("a sweep of summary fields keeps each kept point's whole lamina run directory", () => {
    const f = join(dir, 'summary.json');
    writeFileSync(f, JSON.stringify({ base: 'coba', steps: 50, seed: 2, axes: [{ path: 'projections.IE.weight', values: [6.7, 3] }], metrics: [{ metric: 'summary', field: 'mean_rate_hz' }], keep: { points: [1] } }));
    const out = join(dir, 'summary');
    const r = lamina('sweep', f, '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const db = new Database(join(out, 'sweep.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT point_id, mean_rate_hz FROM points ORDER BY point').all() as { point_id: string; mean_rate_hz: number }[];
    db.close();
    expect(readdirSync(join(out, 'points'))).toEqual([rows[1].point_id]);
    const summary = JSON.parse(readFileSync(join(out, 'points', rows[1].point_id, 'r0', 'summary.json'), 'utf8'));
    expect(summary.mean_rate_hz).toBe(rows[1].mean_rate_hz);
    // The scratch directories of the other points are gone.
    expect(readdirSync(out).sort()).toEqual(['points', 'sweep.sqlite']);
  });

  it('refuses a kept point that does not exist and a recorder the engine refuses, naming keep.*', () => {
    const bad = (keep: unknown) => {
      const f = join(dir, 'bad.json');
      writeFileSync(f, JSON.stringify({ base: 'tiny.json', steps: 10, axes: [{ path: 'populations.E.params.tau_m', values: [10, 15] }], metrics: [{ metric: 'rate', population: 'E' }], keep }));
      return lamina('sweep', f, '--out', join(dir, 'bad'));
    };
    let r = bad({ points: [2], record: [{ name: 's', population: 'E', what: 'spikes' }] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/keep\.points\[0\].*no point 2: the sweep has 2 points/);
    r = bad({ points: 'all', record: [{ name: 's', population: 'X', what: 'spikes' }] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/keep\.record\[0\]/);
    r = bad({ points: 'all', record: [{ name: 'sweep_x', population: 'E', what: 'spikes' }] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/keep\.record\[0\]\.name/);
    r = bad({ points: 'all' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/keep\.record: name the recorders/);
  });
});
