/**
 * Inputs of a spiking network: Poisson trains through a port (counted on the GPU from e^{-lambda / chunks}
 * and the number of chunks per neuron and instance: poissonChunks; the weight per instance), DC currents into I_ext (summed per neuron in float64), and given spike trains (events
 * by step, delivered through the input ring).
 */
import { SpecError } from '../errors.ts';
import { finite, numArray, object, oneOf, str } from '../spec/validate-rate.ts';
import { float32Problem } from '../spec/checks.ts';
import type { SpikeSourcePlan, SpikingPopPlan } from './spiking.ts';
import type { Inflow } from './inflow.ts';
import { nearestSteps } from './time-steps.ts';

/** The largest mean of one Poisson chunk: e^{-32} and the products of uniforms that reach it stay normal float32 numbers. */
export const POISSON_CHUNK_MEAN = 32;
/** The largest mean count per step of a Poisson input (the 4096 Philox calls of a draw hold 16384 uniforms, some 60 sd more than it needs). */
export const MAX_POISSON_MEAN = 10000;

/**
 * Chunks of a Poisson draw of mean `mean`: the mean is split into equal parts of at most
 * POISSON_CHUNK_MEAN, each drawn exactly (a sum of Poisson counts is a Poisson count of the summed
 * mean), so that no count is capped (one product of uniforms underflows float32 after ~104 events).
 */
export function poissonChunks(mean: number): number {
  return Math.max(1, Math.ceil(mean / POISSON_CHUNK_MEAN));
}

export interface InputContext {
  pops: SpikingPopPlan[];
  byName: Map<string, SpikingPopPlan>;
  B: number;
  dt: number;
  /** Neurons in all populations and instances: the DC table comes first in the input table. */
  neurons: number;
  perInstance: Map<string, number[]>;
  usedKeys: Set<string>;
  /** What each population's ports can receive in a step (for the fixed-point scales). */
  inflow: Inflow;
}

export function compileInputs(raw: unknown, ctx: InputContext): { dc: Float64Array[]; poissonTables: Float32Array[]; sources: SpikeSourcePlan[]; inputLength: number } {
  const { pops, byName, B, dt, neurons, perInstance, usedKeys, inflow } = ctx;
  const inputList = raw === undefined ? [] : raw;
  if (!Array.isArray(inputList)) throw new SpecError('inputs', 'expected an array');
  const dc = pops.map((p) => new Float64Array(B * p.size));
  const sources: SpikeSourcePlan[] = [];
  const poissonTables: Float32Array[] = [];
  let inputLen = neurons;
  inputList.forEach((inp, k) => {
    const f = `inputs[${k}]`;
    const io = object(inp, f, ['name', 'target', 'type', 'rate', 'weight', 'port', 'amplitude', 'times', 'neurons']);
    const name = str(io.name, `${f}.name`);
    const pop = byName.get(str(io.target, `${f}.target`));
    if (!pop) throw new SpecError(`${f}.target`, `no population named "${io.target}"`);
    const type = oneOf(io.type, `${f}.type`, ['poisson', 'dc', 'spikes'] as const);
    const perNeuron = (v: unknown, key: string) => (Array.isArray(v) ? numArray(v, `${f}.${key}`, pop.size) : finite(v, `${f}.${key}`));
    if (type === 'spikes') {
      const times = numArray(io.times, `${f}.times`);
      const ids = numArray(io.neurons, `${f}.neurons`, times.length);
      const port = pop.model.ports.indexOf(str(io.port, `${f}.port`));
      if (port < 0) throw new SpecError(`${f}.port`, `model ${pop.model.name} has ports ${pop.model.ports.join(', ')}, not "${io.port}"`);
      const weight = finite(io.weight, `${f}.weight`);
      const steps = times.map((t, k) => {
        if (!(t >= 0)) throw new SpecError(`${f}.times[${k}]`, `must be >= 0, got ${t}`);
        const i = ids[k];
        if (!Number.isInteger(i) || i < 0 || i >= pop.size) throw new SpecError(`${f}.neurons[${k}]`, `must be an integer in [0, ${pop.size}), got ${i}`);
        return nearestSteps(t, dt);
      });
      const T = steps.reduce((a, s) => Math.max(a, s + 1), 0);
      const stepPtr = new Uint32Array(T + 1);
      for (const s of steps) stepPtr[s + 1]++;
      let maxPerStep = 0;
      for (let t = 0; t < T; t++) { maxPerStep = Math.max(maxPerStep, stepPtr[t + 1]); stepPtr[t + 1] += stepPtr[t]; }
      const order = steps.map((s, k) => k).sort((a, b) => steps[a] - steps[b] || ids[a] - ids[b]);
      const neuronsSorted = Uint32Array.from(order, (k) => ids[k]);
      // Bound: the most events one neuron receives in one step.
      const perCell = new Map<number, number>();
      steps.forEach((s, k) => perCell.set(s * pop.size + ids[k], (perCell.get(s * pop.size + ids[k]) ?? 0) + 1));
      let most = 0;
      for (const c of perCell.values()) most = Math.max(most, c);
      inflow.addBound(pop.index, port, `${f}.weight`, Math.abs(weight) * most);
      sources.push({ name, pop, port, weight, wq: 0, slot: 0, stepPtr, neurons: neuronsSorted, maxPerStep });
      return;
    }
    if (type === 'dc') {
      const amp = perNeuron(io.amplitude, 'amplitude');
      const scaleKey = `inputs.${name}.amplitude`;
      usedKeys.add(scaleKey);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < pop.size; i++) {
          // A per-instance amplitude replaces the spec's (scalar) amplitude.
          dc[pop.index][b * pop.size + i] += perInstance.get(scaleKey)?.[b] ?? (Array.isArray(amp) ? amp[i] : amp);
        }
      }
      const sum = dc[pop.index].find((x) => float32Problem(x) !== undefined);
      if (sum !== undefined) throw new SpecError(`${f}.amplitude`, `the DC inputs into "${pop.name}" sum to ${float32Problem(sum)}`);
      pop.hasDc = true;
    } else {
      const rate = perNeuron(io.rate, 'rate');
      const port = pop.model.ports.indexOf(str(io.port, `${f}.port`));
      if (port < 0) throw new SpecError(`${f}.port`, `model ${pop.model.name} has ports ${pop.model.ports.join(', ')}, not "${io.port}"`);
      const weight = finite(io.weight, `${f}.weight`);
      const rateKey = `inputs.${name}.rate`, weightKey = `inputs.${name}.weight`;
      usedKeys.add(rateKey).add(weightKey);
      // Per neuron and instance: e^{-mean / chunks}, then the number of chunks (poissonChunks); then the weight per instance.
      const BN = B * pop.size, table = new Float32Array(2 * BN + B);
      for (let b = 0; b < B; b++) {
        const swept = perInstance.get(weightKey)?.[b];
        const w = swept ?? weight, field = swept !== undefined ? `batch.params.${weightKey}[${b}]` : `${f}.weight`;
        if (float32Problem(w) !== undefined) throw new SpecError(field, `is ${float32Problem(w)}`);
        table[2 * BN + b] = w;
      }
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < pop.size; i++) {
          const swept = perInstance.get(rateKey)?.[b];
          const r = swept ?? (Array.isArray(rate) ? rate[i] : rate);
          const field = swept !== undefined ? `batch.params.${rateKey}[${b}]` : Array.isArray(rate) ? `${f}.rate[${i}]` : `${f}.rate`;
          if (!(r >= 0)) throw new SpecError(field, `must be >= 0, got ${r}`);
          const mean = r * dt * 1e-3;
          if (mean > MAX_POISSON_MEAN) throw new SpecError(field, `${r} Hz at dt = ${dt} ms is a mean of ${mean} events per step: at most ${MAX_POISSON_MEAN} (each event costs a uniform draw per neuron and step)`);
          const chunks = poissonChunks(mean);
          table[b * pop.size + i] = Math.exp(-mean / chunks);
          table[BN + b * pop.size + i] = chunks;
        }
      }
      pop.poisson.push({ name, port, tableBase: inputLen });
      poissonTables.push(table);
      inputLen += table.length;
    }
  });
  return { dc, poissonTables, sources, inputLength: inputLen };
}
