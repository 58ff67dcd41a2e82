/**
 * Assembles spiking-fused (shaders/spiking-fused.wgsl): every step of a chunk of one instance per
 * workgroup. It splices the same generated neuron step functions as neuron-update (one per neuron model,
 * engine/codegen/spiking-neuron.ts), the same spike delivery as synapse-spike (lib/deliver.wgsl) and as
 * synapse-procedural (lib/procedural.wgsl).
 */
import fused from '../../shaders/spiking-fused.wgsl';
import type { SpikeSourcePlan, SpikingPlan, SpikingPopPlan } from '../plan/spiking.ts';
import { bindings, constants, spikingSplice } from './spiking-common.ts';
import { neuronLib, neuronStepWgsl, popInfoWgsl, type SpikeRecordSlot } from './spiking-neuron.ts';
import { proceduralLib, synapseTables } from './spiking.ts';
import type { Constants } from './wgsl.ts';

/**
 * Invocations per workgroup of the fused kernel. CPU adapters: 32 (lavapipe runs a workgroup on one
 * thread, 8 invocations per vector, and every group of 8 pays the per-step loops, parameter loads and
 * barriers: interleaved, 1,000-neuron network and COBA, 32 and 64 used 12-22 % less worker CPU than 256,
 * within noise of each other; as rate-fused's choice). GPUs: 256, a placeholder, not measured.
 */
export function fusedWorkgroup(software: boolean): number {
  return software ? 32 : 256;
}
/**
 * Invocations that walk one spike's synapses (WG / SPIKE_LANES spikes at a time): with all of them on
 * each spike, a 100-synapse row kept 256 invocations in step for every spike (lavapipe: the 1,000-neuron
 * network's delivery took about 65 us per step).
 */
export const SPIKE_LANES = 32;

/**
 * A state recorder of the fused kernel: state variable `variable` of units tables[unitsBase ..
 * unitsBase + units) of `pop`, written into its ring at rec_rings[ringBase ..] in record-gather's layout
 * (row * BATCH + instance) * units + m, in the steps where fires(every, step) holds.
 */
export interface FusedStateRecord {
  pop: SpikingPopPlan;
  variable: number;
  units: number;
  every: number;
  unitsBase: number;
  ringBase: number;
}

/**
 * record_states(b, step, lid): the state recorders that fire after `step` write their row, as
 * record-gather would (the row is the count of earlier steps of the chunk where the recorder fired).
 */
export function recordStatesWgsl(states: FusedStateRecord[]): string {
  const body = states.map((r) => {
    const read = `state[${r.pop.stateBase}u + (${r.variable}u * BATCH + b) * ${r.pop.size}u + tables[${r.unitsBase}u + m]]`;
    const row = `step / ${r.every}u - step_info.step / ${r.every}u`;
    return `  if ((step + 1u) % ${r.every}u == 0u) {\n    let o = ${r.ringBase}u + ((${row}) * BATCH + b) * ${r.units}u;\n`
      + `    for (var m = lid; m < ${r.units}u; m += WG) { rec_rings[o + m] = bitcast<u32>(${read}); }\n  }`;
  });
  return `fn record_states(b: u32, step: u32, lid: u32) {\n${body.join('\n')}\n}`;
}

/** How the fused kernel runs (engine/run/spiking-fused.ts picks it per adapter class). */
export interface FusedTuning {
  /** Invocations per workgroup. */
  workgroup: number;
  /** Keep each invocation's neurons' state in private memory across the chunk's steps where it fits. */
  privateState: boolean;
}

/**
 * Most state words one invocation keeps in private memory (all populations), else the state stays in
 * `state`. Lavapipe, COBA at 32 invocations (375 words): 20-28 % less worker CPU than loading and
 * storing `state` every step (stores cost most there); larger arrays were not measured. Not on GPUs,
 * where private arrays indexed in a loop leave the registers.
 */
export const PRIVATE_STATE_WORDS = 512;

/** Where each population's state starts in pstate (ceil(n / WG) neurons x its variables per invocation), or undefined: not kept there. */
export function privateLayout(plan: SpikingPlan, wg: number, wanted: boolean): { bases: number[]; words: number } | undefined {
  const words = plan.pops.map((p) => Math.ceil(p.size / wg) * p.model.stateNames.length);
  const total = words.reduce((a, w) => a + w, 0);
  if (!wanted || total > PRIVATE_STATE_WORDS) return undefined;
  return { bases: words.map((_, k) => words.slice(0, k).reduce((a, w) => a + w, 0)), words: total };
}

/**
 * state_in(b, lid) and state_out(b, lid): with private state, the invocation's neurons' state variables
 * from `state` into pstate before the chunk's steps, and back after them (each invocation moves only its
 * own neurons, so no barrier); empty without.
 */
function privateStateWgsl(plan: SpikingPlan, priv: { bases: number[]; words: number } | undefined): string {
  if (!priv) return 'fn state_in(b: u32, lid: u32) {}\nfn state_out(b: u32, lid: u32) {}';
  const move = (into: boolean) => plan.pops.map((p, k) => {
    const V = p.model.stateNames.length;
    const pairs = Array.from({ length: V }, (_, v) => [`pstate[o + ${v}u]`, `state[${p.stateBase}u + (${v}u * BATCH + b) * ${p.size}u + i]`]);
    const lines = pairs.map(([q, g]) => (into ? `${q} = ${g};` : `${g} = ${q};`));
    return `  { var o = ${priv.bases[k]}u; for (var i = lid; i < ${p.size}u; i += WG) { ${lines.join(' ')} o += ${V}u; } }`;
  });
  return [`var<private> pstate: array<f32, ${priv.words}>;`, `fn state_in(b: u32, lid: u32) {\n${move(true).join('\n')}\n}`, `fn state_out(b: u32, lid: u32) {\n${move(false).join('\n')}\n}`].join('\n');
}

/**
 * A rate recorder of the fused kernel: the spike count of population `pop` (its index) per step and
 * instance, at rec_rings[ringBase + s * BATCH + b] for step s of the chunk (record-rate's counts layout).
 */
export interface FusedRateRecord {
  pop: number;
  ringBase: number;
}

/** record_rates(b, s, lid): each rate recorder's count of the spikes of instance b at step s of the chunk, as record-rate counts them. */
export function recordRatesWgsl(rates: FusedRateRecord[]): string {
  const body = rates.map((r) => `    rec_rings[${r.ringBase}u + s * BATCH + b] = fired_count(${r.pop}u, s);`);
  return `fn record_rates(b: u32, s: u32, lid: u32) {\n  if (lid == 0u) {\n${body.join('\n')}\n  }\n}`;
}

/**
 * spiking-fused for the whole network: `recs` places the spike recorders, `pres` the presynaptic
 * populations' stored rows (one part), `states` the state and `rates` the rate recorders, `sources` the spike trains, `procedural`
 * where the procedural projections' rows and info (engine/codegen/spiking.ts: proceduralTables) start in
 * `tables`; with `faults`, every neuron's state is checked after each step; `tuning`: workgroup size and
 * where the state lives during the chunk.
 */
export function spikingFusedWgsl(plan: SpikingPlan, recs: SpikeRecordSlot[], pres: { pop: SpikingPopPlan; rowBase: number }[], faults = false, states: FusedStateRecord[] = [], sources: FusedSource[] = [],
  procedural = { rows: 0, info: 0 }, rates: FusedRateRecord[] = [], tuning: FusedTuning = { workgroup: fusedWorkgroup(false), privateState: false }): string {
  const models = [...new Set(plan.pops.map((p) => p.model.name))];
  const fn = (name: string) => `neuron_m${models.indexOf(name)}`;
  const workgroup = tuning.workgroup;
  const priv = privateLayout(plan, workgroup, tuning.privateState && !states.length);
  const steps = models.map((name) => neuronStepWgsl(plan, plan.pops.filter((p) => p.model.name === name), fn(name), faults, priv !== undefined));
  // Population k (its table row a constant the compiler can fold): its parameters once, then its neurons
  // lid, lid + WG, ... through its model's step function (with private state: at o, o + V, ...).
  const cases = plan.pops.map((p, k) => {
    const V = p.model.stateNames.length;
    const [start, arg, next] = priv ? [` var o = ${priv.bases[k]}u;`, ', o', ` o += ${V}u;`] : ['', '', ''];
    return `    case ${k}u: { let P = pop_info(${k}u); let prm = params_${fn(p.model.name)}(P, b);${start} for (var i = lid; i < P.n; i += WG) { if (${fn(p.model.name)}(P, b, i, step, prm${arg})) { emit(${k}u, P, b, i, s); }${next} } }`;
  });
  const population = `fn step_population(k: u32, b: u32, s: u32, step: u32, lid: u32) {\n  switch k {\n${cases.join('\n')}\n    default: {}\n  }\n}`;
  const consts: Constants = { BATCH: plan.batch, NPOPS: plan.pops.length, NPRE: pres.length, WG: workgroup, SPIKE_LANES, DT: Math.fround(plan.dt),
    NPROC: plan.procedural.length, PROC_ROWS: procedural.rows, PROC_INFO: procedural.info };
  const variables = Math.max(...plan.pops.map((p) => p.model.stateNames.length));
  const lib = [bindings, neuronLib(plan, faults, variables, true), popInfoWgsl(plan, plan.pops, recs, plan.pops.map(() => 0)), ...steps, population, synapseTables(plan, pres), proceduralLib, recordStatesWgsl(states), recordRatesWgsl(rates), sourceInputsWgsl(plan, sources), privateStateWgsl(plan, priv)];
  return spikingSplice('spiking-fused', fused, { constants: constants(consts), lib: lib.join('\n') });
}

/** Where a spike train's events lie in the fused kernel's tables: its step_ptr, then its neurons. */
export interface FusedSource {
  src: SpikeSourcePlan;
  ptrBase: number;
  neuronBase: number;
}

/**
 * source_inputs(b, step, lid): the given spike trains' events of `step` added into the rings of instance
 * b, as spike-source does before neuron-update (then a barrier, so the neurons see them).
 */
export function sourceInputsWgsl(plan: SpikingPlan, sources: FusedSource[]): string {
  const body = sources.map(({ src, ptrBase, neuronBase }) => {
    const pop = src.pop;
    const w = src.slot
      ? `i32(inputs[${plan.weightSlots[src.slot - 1].base + 1}u + 2u * b]) * 4096 + i32(inputs[${plan.weightSlots[src.slot - 1].base + 2}u + 2u * b])`
      : `i32(${src.wq | 0})`;
    const at = `${pop.ringBase}u + (((step % ${pop.slots}u) * ${pop.model.ports.length}u + ${src.port}u) * BATCH + b) * ${pop.size}u`;
    return `  if (step < ${src.stepPtr.length - 1}u) {\n    let w = ${w};\n    let at = ${at};\n`
      + `    for (var e = tables[${ptrBase}u + step] + lid; e < tables[${ptrBase + 1}u + step]; e += WG) { atomicAdd(&ring[at + tables[${neuronBase}u + e]], w); }\n  }`;
  });
  const barrier = sources.length ? '\n  storageBarrier();\n  workgroupBarrier();' : '';
  return `fn source_inputs(b: u32, step: u32, lid: u32) {\n${body.join('\n')}${barrier}\n}`;
}
