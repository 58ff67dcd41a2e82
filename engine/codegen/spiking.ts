/**
 * Assembles the spiking kernels: templates from shaders/ with generated constants, the shared bindings
 * and Philox, and the model's compiled code at the named splice places of neuron-update.wgsl.
 */
import philox from '../../shaders/lib/philox.wgsl';
import neuronUpdate from '../../shaders/neuron-update.wgsl';
import synapseSpike from '../../shaders/synapse-spike.wgsl';
import synapseProcedural from '../../shaders/synapse-procedural.wgsl';
import spikeSource from '../../shaders/spike-source.wgsl';
import recordGather from '../../shaders/record-gather.wgsl';
import recordRate from '../../shaders/spiking/record-rate.wgsl';
import deliver from '../../shaders/lib/deliver.wgsl';
import procedural from '../../shaders/lib/procedural.wgsl';
import { u32Literal, type Constants } from './wgsl.ts';
import { bindings, constants, spikingSplice } from './spiking-common.ts';
import { neuronLib, neuronStepWgsl, popInfoWgsl, type SpikeRecordSlot } from './spiking-neuron.ts';
import { STREAM_PROCEDURAL, type ProceduralPlan, type SpikeSourcePlan, type SpikingPlan, type SpikingPopPlan } from '../plan/spiking.ts';

/**
 * neuron-update for populations `pops` of one model (one dispatch); `recs` places their spike recorders;
 * with `faults`, every neuron's state is checked for NaN and infinity after its step. The neuron's step
 * is the function shared with the fused kernel (engine/codegen/spiking-neuron.ts).
 */
export function neuronUpdateWgsl(plan: SpikingPlan, pops: SpikingPopPlan[], recs: SpikeRecordSlot[], faults = false): string {
  const B = plan.batch;
  let first = 0;
  const firsts = pops.map((p) => { const f = first; first += B * p.size; return f; });
  const consts: Constants = { BATCH: B, NPOPS: pops.length, TOTAL: first, DT: Math.fround(plan.dt) };
  const lib = [
    bindings, neuronLib(plan, faults, pops[0].model.stateNames.length), popInfoWgsl(plan, pops, recs, firsts),
    `fn find_pop(flat: u32) -> u32 {\n${firsts.slice(1).map((f, k) => `  if (flat < ${u32Literal(f)}) { return ${u32Literal(k)}; }`).join('\n')}\n  return ${u32Literal(pops.length - 1)};\n}`,
    neuronStepWgsl(plan, pops, 'neuron_m0', faults),
  ];
  return spikingSplice('neuron-update', neuronUpdate, { constants: constants(consts), lib: lib.join('\n') });
}

/**
 * The tables lib/deliver.wgsl reads (weight slots, per post population its ring slots, slot stride and
 * size) and pre_info over `pres` (the presynaptic populations with stored rows and where their rows start).
 */
export function synapseTables(plan: SpikingPlan, pres: { pop: SpikingPopPlan; rowBase: number }[]): string {
  const posts = plan.pops;
  const table = (name: string, value: (p: SpikingPopPlan) => number) =>
    `fn ${name}(p: u32) -> u32 {\n  switch p {\n${posts.map((p) => `    case ${p.index}u: { return ${value(p)}u; }`).join('\n')}\n    default: { return 1u; }\n  }\n}`;
  const preCases = pres.map((p) => `PreInfo(${p.pop.index}u, ${p.pop.spikeBase}u, ${p.pop.size}u, ${p.rowBase}u)`);
  const slotCases = plan.weightSlots.map((w, s) => `    case ${s + 1}u: { return ${w.base}u; }`);
  return [
    `fn slot_base(sel: u32) -> u32 {\n  switch sel {\n${slotCases.join('\n')}${slotCases.length ? '\n' : ''}    default: { return 0u; }\n  }\n}`,
    table('post_slots', (p) => p.slots),
    table('post_slot_stride', (p) => p.model.ports.length * plan.batch * p.size),
    table('post_n', (p) => p.size),
    'struct PreInfo { pop: u32, spike_base: u32, n: u32, row_base: u32 }',
    `fn pre_info(q: u32) -> PreInfo {\n  switch q {\n${preCases.slice(1).map((x, q) => `    case ${q + 1}u: { return ${x}; }`).join('\n')}${preCases.length > 1 ? '\n' : ''}    default: { return ${preCases[0] ?? 'PreInfo(0u, 0u, 0u, 0u)'}; }\n  }\n}`,
    deliver,
  ].join('\n');
}

/**
 * synapse-spike for every stored synapse, rows [row0, row1) of the network-wide rows (`pres`: the
 * presynaptic populations and where their rows start); target tables as generated switch functions.
 */
export function synapseSpikeWgsl(plan: SpikingPlan, pres: { pop: SpikingPopPlan; rowBase: number }[], row0: number, row1: number): string {
  const consts: Constants = { BATCH: plan.batch, NPRE: pres.length, ROW0: row0, ROW1: row1 };
  return spikingSplice('synapse-spike', synapseSpike, { constants: constants(consts), lib: [bindings, synapseTables(plan, pres)].join('\n') });
}

/** record-gather (shared with rate networks) reading state variable `variable` of `pop`. */
export function recordStateWgsl(plan: SpikingPlan, pop: SpikingPopPlan, variable: number, units: number, rec: number): string {
  const consts: Constants = { BATCH: plan.batch, N: pop.size, STATE_BASE: pop.stateBase, VAR: variable, M: units, REC: rec };
  const recorded = 'fn recorded(b: u32, u: u32) -> f32 {\n  return state[STATE_BASE + (VAR * BATCH + b) * N + u];\n}';
  return spikingSplice('record-gather', recordGather, { constants: constants(consts), lib: `${bindings}\n${recorded}` });
}

/** synapse-procedural for every procedural projection of the network, one dispatch (parameters: proceduralInfo). */
export function synapseProceduralWgsl(plan: SpikingPlan, projs: ProceduralPlan[]): string {
  const consts: Constants = { BATCH: plan.batch, NPROJ: projs.length };
  return spikingSplice('synapse-procedural', synapseProcedural, { constants: constants(consts), lib: [bindings, philox, procedural].join('\n') });
}

/** Procedural delivery (lib/procedural.wgsl), for kernels that splice it into their own (spiking-fused). */
export const proceduralLib = procedural;

/**
 * The words of every procedural projection of `plan` (lib/procedural.wgsl): `rows`, each projection's
 * row_ptr followed by its per-instance seeds if it has them, and `info`, PROJ_WORDS per projection.
 */
export function proceduralTables(plan: SpikingPlan): { rows: Uint32Array; info: Uint32Array } {
  const projs = plan.procedural;
  const rowBases: number[] = [];
  let total = 0;
  for (const p of projs) { rowBases.push(total); total += p.rowPtr.length + (p.seeds?.length ?? 0); }
  const rows = new Uint32Array(total);
  projs.forEach((p, q) => { rows.set(p.rowPtr, rowBases[q]); if (p.seeds) rows.set(p.seeds, rowBases[q] + p.rowPtr.length); });
  return { rows, info: proceduralInfo(plan, projs, rowBases) };
}

/** Words of synapse-procedural's proj_info per projection. */
export const PROJ_WORDS = 18;

/**
 * The proj_info words of synapse-procedural (PROJ_WORDS per projection; floats as their bits); a
 * projection's rows start at rowBases[q] in row_ptr, followed by its per-instance seeds if it has them.
 */
export function proceduralInfo(plan: SpikingPlan, projs: ProceduralPlan[], rowBases: number[]): Uint32Array {
  const words = new Uint32Array(projs.length * PROJ_WORDS);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const bits = (v: number) => { f[0] = v; return u[0]; };
  projs.forEach((p, q) => {
    const post = p.post, B = plan.batch;
    words.set([
      rowBases[q], post.size, post.ringBase + p.port * B * post.size, post.model.ports.length * B * post.size, post.slots,
      p.seed >>> 0, (STREAM_PROCEDURAL | p.index) >>> 0, p.sign,
      bits(p.wMean), bits(p.wSd), bits(p.dMean), bits(p.dSd), bits(2 ** post.scales[p.port]),
      p.pre.index, p.pre.spikeBase, p.pre.size, p.slot ? plan.weightSlots[p.slot - 1].base : 0xffffffff,
      p.seeds ? rowBases[q] + p.rowPtr.length : 0xffffffff,
    ], q * PROJ_WORDS);
  });
  return words;
}

export function spikeSourceWgsl(plan: SpikingPlan, src: SpikeSourcePlan): string {
  const pop = src.pop;
  const consts: Constants = {
    BATCH: plan.batch, N: pop.size, STEPS: src.stepPtr.length - 1, SLOTS: pop.slots, PORTS: pop.model.ports.length,
    PORT: src.port, RING_BASE: pop.ringBase,
  };
  // Where the port's scale is per instance, instance b's integer from the source's weight slot (engine/plan/instance-weights.ts).
  const wq = `const WQ: i32 = ${src.wq | 0};\nconst SLOT_BASE: u32 = ${src.slot ? plan.weightSlots[src.slot - 1].base : 0xffffffff}u;`;
  return spikingSplice('spike-source', spikeSource, { constants: `${constants(consts)}\n${wq}`, lib: bindings });
}

export function recordRateWgsl(plan: SpikingPlan, pop: SpikingPopPlan, rec: number): string {
  const consts: Constants = { BATCH: plan.batch, N: pop.size, POP: pop.index, SPIKE_BASE: pop.spikeBase, REC: rec };
  return spikingSplice('record-rate', recordRate, { constants: constants(consts), lib: bindings });
}

export { hasPass, plasticWgsl, type PlasticKernel } from './spiking-plastic.ts';
export { spikingFaultBase, type SpikeRecordSlot } from './spiking-neuron.ts';
