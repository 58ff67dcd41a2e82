/**
 * What `lamina analyze` reads from a run's directory: meta.json (dt, batch, steps, the validated spec and
 * the files the run wrote), its spike recordings (rows of step, instance, neuron; the spike of step n is
 * at (n + 1) dt) and its series recordings (rows x batch x units, row r at (r + 1) every dt), cut into
 * trials: each instance of the batch is a trial, or, with events, each event of each instance, over a
 * window around the event.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../../engine/errors.ts';
import { loadNpy } from '../../engine/util/npy.ts';

export interface RunMeta {
  dtMs: number;
  batch: number;
  steps: number;
  files: string[];
  spec: { populations?: { name: string; size: number }[]; record?: { name: string; population?: string; what: string; every?: number; units?: number[] }[] } & Record<string, unknown>;
  raw: Record<string, unknown>;
}

/** A spike recording: per-instance sorted spike times (ms) of every neuron. */
export interface SpikeRecording {
  name: string;
  neurons: number;
  /** times[b][i]: spike times of neuron i in instance b, ascending (ms). */
  times: Float64Array[][];
}

/** A series recording (rates, states): rows x batch x units, row r at (r + 1) every dt. */
export interface SeriesRecording {
  name: string;
  rows: number;
  units: number;
  /** Time between rows (ms). */
  stepMs: number;
  data: Float32Array;
}

export function readMeta(dir: string): RunMeta {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) throw new SpecError('DIR', `${dir} holds no meta.json: not a lamina run directory`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const dtMs = Number(raw.dt_ms), batch = Number(raw.batch ?? 1);
  const steps = Number(raw.steps_completed ?? raw.steps);
  if (!(dtMs > 0) || !(batch >= 1) || !(steps >= 1)) throw new SpecError('DIR', `${path}: expected dt_ms, batch and steps, got ${raw.dt_ms}, ${raw.batch}, ${raw.steps}`);
  return { dtMs, batch, steps, files: (raw.files as string[] | undefined) ?? [], spec: (raw.spec ?? {}) as RunMeta['spec'], raw };
}

/** The run's recordings by kind: .npy files of int32 (n, 3) rows are spikes; float (rows, batch, units) are series. */
export function listRecordings(dir: string, meta: RunMeta): { spikes: string[]; series: string[] } {
  const spikes: string[] = [], series: string[] = [];
  for (const f of meta.files) {
    if (!f.endsWith('.npy') || f.includes('/')) continue;
    const name = f.slice(0, -4);
    const rec = meta.spec.record?.find((r) => r.name === name);
    if (rec?.what === 'spikes') spikes.push(name);
    else if (rec && rec.what !== 'weights' && rec.what !== 'modulator') series.push(name);
    else if (!rec) {
      const { shape, dtype } = loadNpy(join(dir, f), 'DIR');
      if (dtype === '<i4' && shape.length === 2 && shape[1] === 3) spikes.push(name);
      else if (shape.length === 3) series.push(name);
    }
  }
  return { spikes, series };
}

export function readSpikes(dir: string, meta: RunMeta, name: string): SpikeRecording {
  const file = join(dir, `${name}.npy`);
  if (!existsSync(file)) throw new SpecError('--spikes', `no recording ${name}.npy in ${dir}`);
  const npy = loadNpy(file, '--spikes');
  if (npy.shape.length !== 2 || npy.shape[1] !== 3) throw new SpecError('--spikes', `${name}.npy is not a spike recording (rows of step, instance, neuron)`);
  const rows = npy.data as Int32Array;
  const rec = meta.spec.record?.find((r) => r.name === name);
  const pop = meta.spec.populations?.find((p) => p.name === rec?.population);
  let neurons = pop?.size ?? 0;
  for (let k = 2; k < rows.length; k += 3) neurons = Math.max(neurons, rows[k] + 1);
  const lists: number[][][] = Array.from({ length: meta.batch }, () => Array.from({ length: neurons }, () => []));
  for (let k = 0; k < rows.length; k += 3) lists[rows[k + 1]][rows[k + 2]].push((rows[k] + 1) * meta.dtMs);
  return { name, neurons, times: lists.map((b) => b.map((l) => Float64Array.from(l).sort())) };
}

export function readSeries(dir: string, meta: RunMeta, name: string): SeriesRecording {
  const file = join(dir, `${name}.npy`);
  if (!existsSync(file)) throw new SpecError('--series', `no recording ${name}.npy in ${dir}`);
  const npy = loadNpy(file, '--series');
  const [rows, batch, units] = npy.shape;
  if (npy.shape.length !== 3 || batch !== meta.batch) throw new SpecError('--series', `${name}.npy: expected rows x ${meta.batch} instances x units, got shape (${npy.shape.join(', ')})`);
  const every = meta.spec.record?.find((r) => r.name === name)?.every ?? 1;
  return { name, rows, units, stepMs: every * meta.dtMs, data: Float32Array.from(npy.data as ArrayLike<number>) };
}

/** Trials: instance b aligned at time `at` (ms; 0 without events). */
export interface Trial { instance: number; at: number }

export function trialsOf(meta: RunMeta, events: number[] | undefined): Trial[] {
  const at = events?.length ? events : [0];
  return Array.from({ length: meta.batch }, (_, b) => at.map((t) => ({ instance: b, at: t }))).flat();
}

/** Event times (ms): a comma-separated list, or a .npy / .json file of times. */
export function parseEvents(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  let out: number[];
  if (v.endsWith('.npy')) out = Array.from(loadNpy(v, '--events').data as ArrayLike<number>, Number);
  else if (v.endsWith('.json')) out = (JSON.parse(readFileSync(v, 'utf8')) as unknown[]).map(Number);
  else out = v.split(',').map((s) => Number(s));
  if (!out.length || out.some((t) => !Number.isFinite(t))) throw new SpecError('--events', `expected times in ms (a list, .npy or .json), got "${v}"`);
  return out;
}

/** The series of one trial over [at + w0, at + w1): T rows x units (the rows whose times fall in it). */
export function seriesWindow(s: SeriesRecording, batch: number, trial: Trial, window: [number, number]): { data: Float64Array; T: number; t0: number } {
  const first = Math.max(0, Math.ceil((trial.at + window[0]) / s.stepMs - 1 - 1e-9));
  const last = Math.min(s.rows, Math.ceil((trial.at + window[1]) / s.stepMs - 1 - 1e-9));
  const T = Math.max(0, last - first);
  const data = new Float64Array(T * s.units);
  for (let r = 0; r < T; r++) {
    const o = ((first + r) * batch + trial.instance) * s.units;
    for (let u = 0; u < s.units; u++) data[r * s.units + u] = s.data[o + u];
  }
  return { data, T, t0: (first + 1) * s.stepMs - trial.at };
}
