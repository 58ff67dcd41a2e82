/**
 * The metrics of each instance of one batch, from the recordings the sweep added to its spec: spike
 * trains gathered from onSpikes, rows from a MemorySink (the maths: engine/analysis/network-metrics.ts).
 */
import { SpecError } from '../../engine/errors.ts';
import { cvIsi, fanoFactor, meanRateHz, seriesStats, synchronyChi2, type StepWindow } from '../../engine/analysis/network-metrics.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import type { SpikeHandler } from '../../engine/simulation.ts';
import type { MetricSpec } from './format.ts';
import { recorderName } from './base.ts';

/** Default bins [ms]: Fano factor over 50 ms windows, synchrony over 5 ms bins. */
export const DEFAULT_BIN_MS = { fano: 50, synchrony: 5 } as const;

/** What one batch's run delivers, kept for the metrics. */
export class BatchRecordings {
  readonly memory = new MemorySink();
  /** Recorder -> instance -> neuron -> spike steps (ascending). */
  private readonly spikes = new Map<string, number[][][]>();

  constructor(readonly batch: number, private readonly sizes: Map<string, number>) {}

  readonly onSpikes: SpikeHandler = (recorder, steps, instances, neurons) => {
    let trains = this.spikes.get(recorder);
    if (!trains) {
      const n = this.sizes.get(recorder.replace(/^sweep_spikes_/, '')) ?? 0;
      trains = Array.from({ length: this.batch }, () => Array.from({ length: n }, () => []));
      this.spikes.set(recorder, trains);
    }
    for (let k = 0; k < steps.length; k++) trains[instances[k]][neurons[k]].push(steps[k]);
  };

  trains(recorder: string, b: number): number[][] {
    const n = this.sizes.get(recorder.replace(/^sweep_spikes_/, '')) ?? 0;
    return this.spikes.get(recorder)?.[b] ?? Array.from({ length: n }, () => []);
  }
}

/** Steps [from, to) of a metric's window (ms), within the run's steps. */
export function stepWindow(m: { from?: number; to?: number }, steps: number, dt: number, field: string): StepWindow {
  const from = m.from === undefined ? 0 : Math.round(m.from / dt);
  const to = m.to === undefined ? steps : Math.min(steps, Math.round(m.to / dt));
  if (!(to > from)) throw new SpecError(field, `the window [${m.from ?? 0}, ${m.to ?? steps * dt}) ms holds no step of a ${steps * dt} ms run`);
  return { from, to };
}

function binSteps(m: { bin?: number; metric: 'fano' | 'synchrony' }, dt: number): number {
  return Math.max(1, Math.round((m.bin ?? DEFAULT_BIN_MS[m.metric]) / dt));
}

/** Every non-summary metric of instance b of a batch (NaN where undefined, e.g. no neuron with two ISIs). */
export function instanceMetrics(metrics: MetricSpec[], rec: BatchRecordings, b: number, steps: number, dt: number): Record<string, number> {
  const out: Record<string, number> = {};
  metrics.forEach((m, k) => {
    if (m.metric === 'summary') return;
    const w = stepWindow(m, steps, dt, `metrics[${k}]`);
    if (m.metric === 'mean' || m.metric === 'variance') {
      const d = rec.memory.data.get(recorderName(m))!;
      // Rows are taken after every step: row r holds step r.
      const s = seriesStats(d.values, d.batch, d.width, b, w.from, Math.min(w.to, d.rows));
      out[m.name] = m.metric === 'mean' ? s.mean : s.variance;
      return;
    }
    const trains = rec.trains(recorderName(m), b);
    if (m.metric === 'rate') out[m.name] = meanRateHz(trains, w, dt);
    else if (m.metric === 'cv') out[m.name] = cvIsi(trains, w);
    else if (m.metric === 'fano') out[m.name] = fanoFactor(trains, w, binSteps({ ...m, metric: 'fano' }, dt));
    else out[m.name] = synchronyChi2(trains, w, binSteps({ ...m, metric: 'synchrony' }, dt));
  });
  return out;
}

/** The numeric fields a scenario's summary gives for the summary metrics (NaN where missing). */
export function summaryMetrics(metrics: MetricSpec[], summary: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics) {
    if (m.metric !== 'summary') continue;
    const v = m.field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), summary);
    out[m.name] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
  }
  return out;
}
