/**
 * What each population's input port can receive in one step, by source, to choose its fixed-point scale
 * (engine/plan/synapses.ts: fixedPointScale) and to refuse weights the int32 sums cannot hold: at the
 * coarsest scale 2^MIN_SCALE the most one neuron may receive on a port in a step is MAX_FIXED_INPUT.
 */
import { SpecError } from '../errors.ts';
import { fixedPointScale, MIN_SCALE } from './synapses.ts';
import type { SpikingPopPlan } from './spiking.ts';

/** The largest sum of |weight| into one neuron's port in one step: 2^(30 - MIN_SCALE) = 2^38, about 2.749e11 in the port's units. */
export const MAX_FIXED_INPUT = 2 ** (30 - MIN_SCALE);

/** A source's weight per synapse (stored) or bound (drawn, inputs) in instance b, where it varies per instance. */
interface Source {
  field: string;
  bound: number;
  post?: Uint32Array;
  w?: (k: number, b: number) => number;
  perInstance?: (b: number) => number;
  /** The batch.params field that varies it (errors name instance b's value), if any. */
  instanceField?: string;
}

export class Inflow {
  /** Per population and port: the bound per target neuron (stored synapses) and for the whole port (drawn synapses, inputs). */
  private readonly perNeuron: Float64Array[][];
  private readonly whole: number[][];
  /** Per population and port: each source's field and the most it delivers to one neuron in a step. */
  private readonly sources: Source[][][];

  constructor(pops: SpikingPopPlan[]) {
    this.perNeuron = pops.map((p) => p.model.ports.map(() => new Float64Array(p.size)));
    this.whole = pops.map((p) => p.model.ports.map(() => 0));
    this.sources = pops.map((p) => p.model.ports.map(() => []));
  }

  /**
   * Stored synapses onto neurons `post` (one entry per synapse), delivering at most |w(k)| each (in
   * instance b |wb(k, b)|, where the weights vary per instance).
   */
  addSynapses(pop: number, port: number, field: string, post: Uint32Array, w: (k: number) => number, wb?: (k: number, b: number) => number, instanceField?: string): void {
    const own = new Float64Array(this.perNeuron[pop][port].length);
    for (let k = 0; k < post.length; k++) own[post[k]] += Math.abs(w(k));
    const all = this.perNeuron[pop][port];
    own.forEach((x, i) => { all[i] += x; });
    this.sources[pop][port].push({ field, bound: own.reduce((a, x) => Math.max(a, x), 0), post, w: wb ?? ((k) => w(k)), instanceField });
  }

  /** A source that delivers at most `bound` to any one neuron in a step (in instance b at most perInstance(b)). */
  addBound(pop: number, port: number, field: string, bound: number, perInstance?: (b: number) => number, instanceField?: string): void {
    this.whole[pop][port] += bound;
    this.sources[pop][port].push({ field, bound, perInstance, instanceField });
  }

  /**
   * The scale exponent of a port in instance b from instance b's own sources only, summed in the order
   * scale() sums them: a batch of one with the instance's values gets the same exponent.
   */
  instanceScale(pop: SpikingPopPlan, port: number, b: number): number {
    const all = new Float64Array(pop.size);
    let whole = 0;
    const bounds: { field: string; bound: number }[] = [];
    for (const s of this.sources[pop.index][port]) {
      const field = s.instanceField ? `${s.instanceField}[${b}]` : s.field;
      if (s.post && s.w) {
        const own = new Float64Array(pop.size);
        for (let k = 0; k < s.post.length; k++) own[s.post[k]] += Math.abs(s.w(k, b));
        own.forEach((x, i) => { all[i] += x; });
        bounds.push({ field, bound: own.reduce((a, x) => Math.max(a, x), 0) });
      } else {
        const bound = s.perInstance ? s.perInstance(b) : s.bound;
        whole += bound;
        bounds.push({ field, bound });
      }
    }
    return this.checked(pop, port, all.reduce((a, x) => Math.max(a, x), 0) + whole, bounds, ` in instance ${b}`);
  }

  /**
   * The fixed-point scale exponent of a port; a SpecError naming its heaviest source when the bound
   * reaches MAX_FIXED_INPUT (the int32 sums would overflow and flip sign).
   */
  scale(pop: SpikingPopPlan, port: number): number {
    const total = this.perNeuron[pop.index][port].reduce((a, x) => Math.max(a, x), 0) + this.whole[pop.index][port];
    return this.checked(pop, port, total, this.sources[pop.index][port], '');
  }

  private checked(pop: SpikingPopPlan, port: number, total: number, sources: { field: string; bound: number }[], where: string): number {
    if (!(total < MAX_FIXED_INPUT)) {
      const by = [...sources].sort((a, b) => b.bound - a.bound);
      throw new SpecError(by[0].field, `population "${pop.name}" can receive up to ${total.toExponential(4)} on port ${pop.model.ports[port]} in one step${where} `
        + `(${by.map((s) => `${s.field}: ${s.bound.toExponential(4)}`).join('; ')}); synaptic input is summed in int32 fixed point, `
        + `which holds at most 2^${30 - MIN_SCALE} = ${MAX_FIXED_INPUT.toExponential(4)} in the port's units per neuron and step`);
    }
    return fixedPointScale(total);
  }
}
