/**
 * What a run's output directory holds, as NWB objects: spike tables as the Units table, dense recorders
 * as TimeSeries, populations and final plastic weights as tables of the `network` processing module, and
 * any other array as ScratchData. Times follow the step convention: step k (0-based) ends at
 * (k + 1) dt, so a spike of step k is at (k + 1) dt and recorder row r (every `e` steps) is the state at
 * (r + 1) e dt (a spiking population rate row is the bin ending there).
 */
import { SpecError } from '../errors.ts';
import type { NeuronModelSpec } from '../models/neuron.ts';
import type { Npy } from './npy-files.ts';
import { COMMON, CORE, dynamicTable, timeSeries, type NumericArray, type NwbH5 } from './nwb-h5.ts';
import { DIMENSIONLESS, neuronModel, nwbUnit, portUnit, type NwbUnit } from './nwb-units.ts';

export interface RecorderSpec {
  name: string; population?: string; projection?: string; modulator?: string;
  what?: string; units?: number[]; every?: number; reduce?: string;
}

/** The part of a run's spec (meta.json) the export reads. */
export interface RunSpec {
  dt: number;
  populations: { name: string; size: number; model?: string; activation?: string; unit?: string }[];
  projections?: { name: string; from: string; to: string; port?: string; plasticity?: unknown }[];
  record?: RecorderSpec[];
  models?: Record<string, NeuronModelSpec>;
  units?: Record<string, unknown>;
}

/** A run as the export sees it: its spec, kind, instances and steps done; `load` reads DIR/FILE.npy. */
export interface Run {
  spec: RunSpec;
  spiking: boolean;
  batch: number;
  steps: number;
  load: (file: string) => Npy;
  warnings: string[];
}

const seconds = (ms: number) => ms / 1000;

function population(run: Run, name: string | undefined, field: string) {
  const p = run.spec.populations.find((q) => q.name === name);
  if (!p) throw new SpecError(field, `names no population of the spec ("${name}")`);
  return p;
}

/** Spike tables (rows: step, instance, neuron) as the Units table: one row per recorded neuron and instance. */
export function writeUnits(w: NwbH5, run: Run, recorders: RecorderSpec[]): void {
  const B = run.batch, rows: { pop: string; size: number; table: Int32Array }[] = [];
  for (const r of recorders) {
    const p = population(run, r.population, `record "${r.name}".population`);
    const npy = run.load(`${r.name}.npy`);
    if (npy.dtype !== '<i4' || npy.shape.length !== 2 || npy.shape[1] !== 3) throw new SpecError(`${r.name}.npy`, `expected an int32 table of rows (step, instance, neuron), got ${npy.dtype} (${npy.shape.join(', ')})`);
    const t = npy.data as Int32Array;
    for (let k = 0; k < t.length; k += 3) {
      if (t[k] < 0 || t[k] >= run.steps || t[k + 1] < 0 || t[k + 1] >= B || t[k + 2] < 0 || t[k + 2] >= p.size) {
        throw new SpecError(`${r.name}.npy`, `row ${k / 3} (${t[k]}, ${t[k + 1]}, ${t[k + 2]}) is outside ${run.steps} steps x ${B} instances x ${p.size} neurons`);
      }
    }
    rows.push({ pop: p.name, size: p.size, table: t });
  }
  const units = rows.reduce((a, r) => a + r.size * B, 0);
  const counts = new Float64Array(units + 1);
  let base = 0;
  const rowOf = rows.map((r) => { const b0 = base; base += r.size * B; return b0; });
  rows.forEach((r, i) => { for (let k = 0; k < r.table.length; k += 3) counts[rowOf[i] + r.table[k + 1] * r.size + r.table[k + 2] + 1]++; });
  for (let u = 1; u <= units; u++) counts[u] += counts[u - 1];
  const total = counts[units];
  const times = new Float64Array(total), fill = counts.slice(0, units);
  rows.forEach((r, i) => {
    for (let k = 0; k < r.table.length; k += 3) times[fill[rowOf[i] + r.table[k + 1] * r.size + r.table[k + 2]]++] = seconds((r.table[k] + 1) * run.spec.dt);
  });
  for (let u = 0; u < units; u++) {
    const seg = times.subarray(counts[u], counts[u + 1]);
    if (seg.some((v, j) => j > 0 && v < seg[j - 1])) seg.sort();
  }
  const index = total < 2 ** 32 ? Uint32Array.from(counts.subarray(1)) : BigUint64Array.from(counts.subarray(1), BigInt);
  const label: string[] = [], neuron = new Int32Array(units), instance = new Int32Array(units);
  rows.forEach((r, i) => {
    for (let b = 0; b < B; b++) for (let n = 0; n < r.size; n++) {
      const u = rowOf[i] + b * r.size + n;
      label[u] = r.pop; neuron[u] = n; instance[u] = b;
    }
  });
  dynamicTable(w, '/units', CORE('Units'), `Simulated neurons of the spike-recorded populations (${rows.map((r) => r.pop).join(', ')}), one row per neuron and batch instance (row = first row of the population + instance x size + neuron). A spike of step k is at (k + 1) x dt = (k + 1) x ${run.spec.dt} ms, in seconds from the start of the simulation; ${run.steps} steps were simulated.`, units, [
    { name: 'spike_times', description: 'Spike times [s]: (step + 1) x dt.', data: { values: times, shape: [total] }, index, attrs: { resolution: seconds(run.spec.dt) } },
    { name: 'population', description: 'Population of the neuron (the spec\'s populations[].name).', data: label },
    { name: 'neuron', description: 'Index of the neuron within its population (0-based).', data: { values: neuron, shape: [units] } },
    { name: 'instance', description: 'Batch instance (0-based; each has its own seed and batch.params values, see general/source_script).', data: { values: instance, shape: [units] } },
  ]);
}

/** The unit of a dense recorder's values, from the model definitions. */
function recorderUnit(run: Run, r: RecorderSpec): NwbUnit {
  const what = r.what ?? 'rate';
  if (what === 'modulator') return DIMENSIONLESS;
  if (!run.spiking) {
    if (what === 'weights') return DIMENSIONLESS;
    const p = population(run, r.population, `record "${r.name}".population`);
    return p.unit && run.spec.units && Object.hasOwn(run.spec.units, p.unit) ? nwbUnit('') : DIMENSIONLESS;
  }
  if (what === 'rate') return { unit: 'hertz', conversion: 1 };
  if (what === 'weights') return weightUnit(run, r.projection);
  const model = neuronModel(run.spec, population(run, r.population, `record "${r.name}".population`).model ?? '');
  return nwbUnit(model?.state[what]?.unit);
}

/** A spiking weight is in the unit of its port's input on the postsynaptic model. */
function weightUnit(run: Run, projection: string | undefined): NwbUnit {
  const p = run.spec.projections?.find((q) => q.name === projection);
  const model = p && neuronModel(run.spec, population(run, p.to, `projection "${projection}".to`).model ?? '');
  return nwbUnit(model && p.port ? portUnit(model, p.port) : undefined);
}

function describe(run: Run, r: RecorderSpec, shape: number[]): string {
  const what = r.what ?? 'rate', every = r.every ?? 1;
  const subject = r.projection !== undefined ? `weights of plastic projection ${r.projection}` : r.modulator !== undefined ? `modulator ${r.modulator}`
    : `${what === 'rate' && run.spiking ? 'population rate (spike count / size / bin)' : what}${r.reduce === 'mean' ? ' (population mean)' : ''} of population ${r.population}${r.units ? `, neurons [${r.units.join(', ')}] along axis 2` : ''}`;
  return `${subject}; axis 0: time, row r at (r + 1) x ${every} x ${run.spec.dt} ms${what === 'rate' && run.spiking ? ' (end of its bin)' : ''}; axis 1: batch instance (${run.batch}); shape (${shape.join(', ')}) as in ${r.name}.npy.`;
}

/** Every recorder but spikes, as a TimeSeries in /acquisition (data as recorded, float32). */
export function writeRecorders(w: NwbH5, run: Run, recorders: RecorderSpec[]): void {
  for (const r of recorders) {
    const npy = run.load(`${r.name}.npy`);
    const shape = npy.shape.length > 4 ? [...npy.shape.slice(0, 3), npy.shape.slice(3).reduce((a, b) => a * b, 1)] : npy.shape;
    const every = r.every ?? 1, u = recorderUnit(run, r);
    if (shape.slice(1).some((n) => n > shape[0])) {
      run.warnings.push(`${r.name}: ${shape[0]} samples but ${Math.max(...shape.slice(1))} along another axis: nwbinspector's check_data_orientation (CRITICAL) will flag it (record more samples, or fewer units)`);
    }
    timeSeries(w, `/acquisition/${r.name}`, {
      description: describe(run, r, npy.shape), comments: JSON.stringify(r), unit: u.unit, conversion: u.conversion,
      data: npy.data as NumericArray, shape, start: seconds(every * run.spec.dt), rate: 1000 / (every * run.spec.dt),
    });
  }
}

/** Populations, and the final weights of plastic projections, in the `network` processing module. */
export function writeNetwork(w: NwbH5, run: Run, exists: (file: string) => boolean): string[] {
  const used: string[] = [];
  w.mkgroup('/processing/network', CORE('ProcessingModule'), { description: 'The simulated network: its populations and the final weights of its plastic projections (one table each, weights_NAME).' });
  const pops = run.spec.populations;
  dynamicTable(w, '/processing/network/populations', COMMON('DynamicTable'), 'Populations of the network, in spec order.', pops.length, [
    { name: 'name', description: 'Population name.', data: pops.map((p) => p.name) },
    { name: 'size', description: 'Number of neurons (units) per instance.', data: { values: Int32Array.from(pops, (p) => p.size), shape: [pops.length] } },
    { name: 'model', description: run.spiking ? 'Neuron model.' : 'Rate unit (its activation).', data: pops.map((p) => p.model ?? p.unit ?? p.activation ?? 'tanh') },
  ]);
  for (const p of run.spec.projections ?? []) {
    if (!exists(`weights_${p.name}.npy`)) continue;
    const wn = run.load(`weights_${p.name}.npy`), B = run.batch, W = wn.data;
    let S: number, cols: { pre: Int32Array; post: Int32Array; delay?: Float64Array };
    if (run.spiking) {
      const syn = run.load(`synapses_${p.name}.npy`).data as Int32Array;
      S = syn.length / 3;
      cols = { pre: new Int32Array(S), post: new Int32Array(S), delay: new Float64Array(S) };
      for (let s = 0; s < S; s++) { cols.pre[s] = syn[3 * s]; cols.post[s] = syn[3 * s + 1]; cols.delay![s] = seconds(syn[3 * s + 2] * run.spec.dt); }
      used.push(`synapses_${p.name}.npy`);
    } else {
      const [post, pre] = wn.shape.slice(1);
      S = post * pre;
      cols = { pre: Int32Array.from({ length: S }, (_, k) => k % pre), post: Int32Array.from({ length: S }, (_, k) => Math.floor(k / pre)) };
    }
    if (W.length !== B * S) throw new SpecError(`weights_${p.name}.npy`, `holds ${W.length} values; expected ${B} instances x ${S} synapses`);
    const weight = new Float32Array(S * B);
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) weight[s * B + b] = W[b * S + s];
    const u = run.spiking ? weightUnit(run, p.name) : DIMENSIONLESS;
    dynamicTable(w, `/processing/network/weights_${p.name}`, COMMON('DynamicTable'), `Final weights of plastic projection ${p.name} (${p.from} -> ${p.to}), one row per synapse; weight[:, b] is instance b, in ${u.conversion === 1 ? u.unit : `${u.unit} x ${u.conversion}`}.`, S, [
      { name: 'pre', description: `Presynaptic neuron (index in ${p.from}).`, data: { values: cols.pre, shape: [S] } },
      { name: 'post', description: `Postsynaptic neuron (index in ${p.to}).`, data: { values: cols.post, shape: [S] } },
      ...(cols.delay ? [{ name: 'delay', description: 'Transmission delay [s] (whole steps).', data: { values: cols.delay, shape: [S] } }] : []),
      { name: 'weight', description: `Weight after the last step, one column per instance (${u.unit}${u.conversion === 1 ? '' : ` x ${u.conversion}`}).`, data: { values: weight, shape: [S, B] } },
    ]);
    used.push(`weights_${p.name}.npy`);
  }
  return used;
}

/** An array the run wrote that is not a recording (a scenario's analysis), kept as ScratchData. */
export function writeScratch(w: NwbH5, name: string, npy: Npy): void {
  w.array(`/scratch/${name}`, npy.data as NumericArray, npy.shape, CORE('ScratchData'), { notes: `${name}.npy of the run's output directory (shape ${npy.shape.join(' x ')}), kept as written.` });
}
