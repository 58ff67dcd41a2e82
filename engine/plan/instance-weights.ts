/**
 * Per-instance weights of static spiking projections (batch.params "projections.NAME.weight" and
 * "projections.NAME.weightScale") and the per-instance fixed-point scales they need: a port that
 * receives such a projection (or a plastic one whose gain modulator varies per instance) gets its scale
 * exponent per instance, each from the instance's own inputs (engine/plan/inflow.ts: instanceScale), so
 * an instance's result does not depend on the others. Every projection and spike train into such a
 * port gets a weight slot (plan.weightSlots), whose table in the input table says what a synapse
 * delivers in each instance; engine/reference/spiking.ts and the kernels read it the same way
 * (slotDelivery here, slot_weight in shaders/synapse-spike.wgsl).
 */
import { SpecError } from '../errors.ts';
import { float32Problem } from '../spec/checks.ts';
import type { Inflow } from './inflow.ts';
import type { GeneratedPlan, PlasticPlan, ProceduralPlan, SpikeSourcePlan, SpikingPopPlan, SpikingProjPlan, WeightSlot } from './spiking.ts';
import type { Synapses } from './synapses.ts';

const F = Math.fround;

/** A static projection's per-instance weights: its constant weight per instance (given, or a scaled constant), or a factor on its drawn or per-synapse weights. */
export interface InstanceWeights {
  weight?: number[];
  scale?: number[];
  /** The batch.params field that gives them. */
  field: string;
}

/** At most this many weight slots (8 bits of a stored synapse's delay_pop word). */
export const MAX_WEIGHT_SLOTS = 255;

/**
 * The per-instance weight keys of static projection `name` (spec field `f`): `weight` replaces a
 * constant weight (sign-checked), `weightScale` (>= 0) multiplies any weight. Marks the keys used.
 */
export function instanceWeightKeys(
  name: string, f: string, po: Record<string, unknown>, ctx: { perInstance: Map<string, number[]>; usedKeys: Set<string> }, perSynapseWeights: boolean,
): InstanceWeights | undefined {
  const wKey = `projections.${name}.weight`, sKey = `projections.${name}.weightScale`;
  ctx.usedKeys.add(wKey).add(sKey);
  const weight = ctx.perInstance.get(wKey), scale = ctx.perInstance.get(sKey);
  if (!weight && !scale) return undefined;
  if (weight && scale) throw new SpecError(`batch.params.${sKey}`, `give either ${wKey} or ${sKey}, not both`);
  if (weight) {
    if (typeof po.weight !== 'number' || perSynapseWeights) {
      throw new SpecError(`batch.params.${wKey}`, `replaces a constant weight; ${f}.weight is not one (per synapse or drawn): vary it with batch.params.${sKey}`);
    }
    weight.forEach((v, b) => {
      const at = `batch.params.${wKey}[${b}]`;
      if (float32Problem(v) !== undefined) throw new SpecError(at, `is ${float32Problem(v)}`);
      if ((po.sign === 'excitatory' && v < 0) || (po.sign === 'inhibitory' && v > 0)) throw new SpecError(at, `is ${v} but the projection's sign is "${po.sign}"`);
    });
  }
  scale?.forEach((c, b) => {
    const at = `batch.params.${sKey}[${b}]`;
    if (!(c >= 0) || float32Problem(c) !== undefined) throw new SpecError(at, `must be a finite float32 number >= 0, got ${c}`);
    if (typeof po.weight === 'number' && float32Problem(c * po.weight) !== undefined) throw new SpecError(at, `makes the weight ${float32Problem(c * po.weight)}`);
  });
  // A scaled constant weight is that constant per instance (the float64 product), exactly as a spec giving it.
  const w0 = po.weight;
  if (scale && typeof w0 === 'number' && !perSynapseWeights) return { weight: scale.map((c) => c * w0), field: `batch.params.${sKey}` };
  return { weight, scale, field: `batch.params.${weight ? wKey : sKey}` };
}

/** Instance b's weight of a synapse whose shared weight is w (float64, as a batch of one with that value would hold it). */
export const instanceWeight = (iw: InstanceWeights, w: number, b: number): number => (iw.weight ? iw.weight[b] : iw.scale![b] * w);

/** The static projections of a network, for assignWeightSlots. */
export interface StaticProjections {
  stored: { proj: SpikingProjPlan; syn: Synapses; constant: boolean; iw?: InstanceWeights }[];
  generated: { plan: GeneratedPlan; iw?: InstanceWeights }[];
  procedural: { plan: ProceduralPlan; iw?: InstanceWeights }[];
  /** Plastic projections and given spike trains: they follow a port's scale per instance, with no key of their own. */
  plastic: PlasticPlan[];
  sources: SpikeSourcePlan[];
  /** Ports of plastic projections whose gain modulator's range varies per instance: their scale is per instance too. */
  gainPorts: { pop: SpikingPopPlan; port: number }[];
}

/**
 * Per-instance scales of every port that a keyed projection (or a gain varying per instance) reaches, and
 * a weight slot for every projection and spike train into such a port; their tables (returned) go into
 * the input table at `offset`.
 * Stored synapses of a slotted projection hold, in wq, nothing (mode 0) or their float32 weight's bits.
 */
export function assignWeightSlots(
  pops: SpikingPopPlan[], inflow: Inflow, B: number, all: StaticProjections, offset: number,
): { slots: WeightSlot[]; table: Float32Array } {
  const keyed = [...all.stored.map((s) => ({ post: s.proj.post, port: s.proj.port, iw: s.iw, name: s.proj.name })),
    ...[...all.generated, ...all.procedural].map((g) => ({ post: g.plan.post, port: g.plan.port, iw: g.iw, name: g.plan.name }))].filter((k) => k.iw);
  const flagged = new Set([...keyed.map((k) => `${k.post.index}:${k.port}`), ...all.gainPorts.map((g) => `${g.pop.index}:${g.port}`)]);
  const words: number[] = [];
  const at = (n: number) => { const base = words.length; words.length += n; return base; };
  const abs = (local: number) => offset + local;
  for (const pop of pops) {
    pop.model.ports.forEach((_, q) => {
      if (!flagged.has(`${pop.index}:${q}`)) return;
      const exps = Array.from({ length: B }, (_, b) => inflow.instanceScale(pop, q, b));
      const base = at(B);
      exps.forEach((s, b) => { words[base + b] = 2 ** -s; });
      pop.instanceScales[q] = { base: abs(base), exps };
      pop.scales[q] = exps[0];
    });
  }
  const slots: WeightSlot[] = [];
  const slot = (projection: string, post: SpikingPopPlan, port: number, mode: 0 | 1, ab: (b: number, S: number) => [number, number]): number => {
    if (!flagged.has(`${post.index}:${port}`)) return 0;
    if (slots.length === MAX_WEIGHT_SLOTS) throw new SpecError('batch.params', `more than ${MAX_WEIGHT_SLOTS} projections and spike trains reach ports whose scale is per instance`);
    const base = at(1 + 2 * B);
    words[base] = mode;
    const exps = post.instanceScales[port]!.exps;
    for (let b = 0; b < B; b++) [words[base + 1 + 2 * b], words[base + 2 + 2 * b]] = ab(b, exps[b]);
    slots.push({ projection, mode, base: abs(base) });
    return slots.length;
  };
  // A float32 factor f32(c) * 2^S (exact: a power of two).
  const factor = (c: number, S: number) => F(F(c) * 2 ** S);
  for (const { proj, syn, constant, iw } of all.stored) {
    if (constant) {
      // Every synapse delivers round(w * 2^S_b), as a batch of one with the constant weight w.
      proj.slot = slot(proj.name, proj.post, proj.port, 0, (b, S) => {
        const q = Math.round((iw ? instanceWeight(iw, syn.weight[0] ?? 0, b) : syn.weight[0] ?? 0) * 2 ** S) | 0;
        return [q >> 12, q & 4095];
      });
    } else {
      proj.slot = slot(proj.name, proj.post, proj.port, 1, (b, S) => [factor(iw?.scale?.[b] ?? 1, S), 0]);
      if (proj.slot) proj.wq = new Int32Array(Float32Array.from(syn.weight).buffer);
    }
  }
  for (const { plan: g, iw } of all.generated) {
    g.slot = slot(g.name, g.post, g.port, 1, (b, S) => [iw?.weight ? factor(iw.weight[b], S) : factor(iw?.scale?.[b] ?? 1, S), 0]);
    // A constant weight per instance: every synapse has weight 1, times f32(w_b) 2^S_b (as a batch of one: f32(w) 2^S).
    if (iw?.weight) { g.weight = { kind: 0, a: 1, b: 0 }; g.sign = 0; }
  }
  for (const { plan: p, iw } of all.procedural) {
    p.slot = slot(p.name, p.post, p.port, 1, (b, S) => (iw?.weight ? [2 ** S, F(iw.weight[b])] : [factor(iw?.scale?.[b] ?? 1, S), p.wMean]));
  }
  // A plastic projection quantizes its float32 weights at 2^S_b; a spike train delivers round(w 2^S_b).
  for (const p of all.plastic) p.slot = slot(p.name, p.post, p.port, 1, (b, S) => [2 ** S, 0]);
  for (const s of all.sources) {
    s.slot = slot(`input ${s.name}`, s.pop, s.port, 0, (b, S) => { const q = Math.round(s.weight * 2 ** S) | 0; return [q >> 12, q & 4095]; });
  }
  return { slots, table: Float32Array.from(words, (x) => x ?? 0) };
}

const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);

/**
 * What a synapse of weight slot `slot` delivers in instance b (the CPU twin of slot_weight in
 * shaders/synapse-spike.wgsl): mode 0 the slot's integer, mode 1 floor(f32(x * a_b) + 0.5) for the
 * synapse's float32 weight x, whose bits `raw` holds.
 */
export function slotDelivery(table: Float32Array, slot: WeightSlot, b: number, raw: number): number {
  const a = table[slot.base + 1 + 2 * b];
  if (slot.mode === 0) return (a * 4096 + table[slot.base + 2 + 2 * b]) | 0;
  i32[0] = raw;
  return Math.floor(F(F(f32[0] * a) + 0.5)) | 0;
}
