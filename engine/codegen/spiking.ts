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
import { f32Literal, u32Literal, type Constants } from './wgsl.ts';
import { bindings, constants, spikingSplice } from './spiking-common.ts';
import { faultCheck, faultLib } from './faults.ts';
import { STREAM_PROCEDURAL, type ProceduralPlan, type SpikeSourcePlan, type SpikingPlan, type SpikingPopPlan } from '../plan/spiking.ts';

/** Where each population's spike recorder writes in the shared spike_bits buffer. */
export interface SpikeRecordSlot {
  pop: number;
  /** Recorder index (its slot in the per-step uniform). */
  rec: number;
  /** Offset of its region in spike_bits (u32 words). */
  bitsBase: number;
}

/**
 * The fault words of a spiking network (engine/codegen/faults.ts) follow the spike counts in spike_count
 * (two per population), so that the check needs no binding of its own.
 */
export const spikingFaultBase = (plan: SpikingPlan): number => 2 * plan.pops.length;

/**
 * neuron-update for populations `pops` of one model (one dispatch); `recs` places their spike recorders;
 * with `faults`, every neuron's state is checked for NaN and infinity after its step.
 */
export function neuronUpdateWgsl(plan: SpikingPlan, pops: SpikingPopPlan[], recs: SpikeRecordSlot[], faults = false): string {
  const m = pops[0].model, B = plan.batch;
  for (const p of pops) if (p.model.name !== m.name) throw new Error('neuron-update: populations of one kernel must share a model');
  if (m.ports.length > 4) throw new Error(`model ${m.name}: at most 4 ports`);
  let first = 0;
  const firsts = pops.map((p) => { const f = first; first += B * p.size; return f; });
  const consts: Constants = { BATCH: B, NPOPS: pops.length, TOTAL: first, DT: Math.fround(plan.dt) };
  const u = u32Literal;
  const info = pops.map((p, k) => {
    const rec = recs.find((r) => r.pop === p.index);
    const inv = [0, 1, 2, 3].map((q) => f32Literal(q < m.ports.length ? 2 ** -p.scales[q] : 0));
    const fields = [p.size, firsts[k], p.neuronBase, p.stateBase, p.paramBase, p.paramCount, p.ringBase, p.slots, p.spikeBase, p.index,
      p.hasDc ? 1 : 0, rec ? rec.rec : 0xffffffff, rec ? rec.bitsBase : 0, Math.ceil(p.size / 32),
      // Where a port's inverse scale per instance starts in `inputs` (engine/plan/instance-weights.ts), else all ones.
      ...[0, 1, 2, 3].map((q) => p.instanceScales[q]?.base ?? 0xffffffff)].map(u);
    return `    case ${k}u: { return PopInfo(${[...fields, ...inv].join(', ')}); }`;
  });
  const lib = [
    bindings, philox, ...(faults ? [faultLib('spike_count', spikingFaultBase(plan), m.stateNames.length)] : []),
    'struct PopInfo { n: u32, first: u32, neuron_base: u32, state_base: u32, param_base: u32, param_count: u32, ring_base: u32,',
    '  slots: u32, spike_base: u32, pop: u32, has_dc: u32, rec: u32, bits_base: u32, words: u32, ib0: u32, ib1: u32, ib2: u32, ib3: u32,',
    '  inv0: f32, inv1: f32, inv2: f32, inv3: f32 }',
    'fn inv_scale(batch_inv: f32, base: u32, b: u32) -> f32 {\n  if (base == 0xFFFFFFFFu) { return batch_inv; }\n  return inputs[base + b];\n}',
    `fn pop_info(k: u32) -> PopInfo {\n  switch k {\n${info.slice(1).join('\n')}\n    default: { return PopInfo(${info[0].replace(/^.*PopInfo\(/, '').replace(/\); }$/, '')}); }\n  }\n}`,
    `fn find_pop(flat: u32) -> u32 {\n${firsts.slice(1).map((f, k) => `  if (flat < ${u(f)}) { return ${u(k)}; }`).join('\n')}\n  return ${u(pops.length - 1)};\n}`,
  ];
  const load = [
    ...m.stateNames.map((s, v) => `var s_${s} = state[P.state_base + (${v}u * BATCH + b) * P.n + i];`),
    ...[...m.paramNames, ...m.derivedNames].map((p, k) => `let p_${p} = params[P.param_base + b * P.param_count + ${k}u];`),
  ];
  const inputs = m.ports.map((port, q) =>
    `var in_${port} = from_fixed(atomicExchange(&ring[P.ring_base + ((slot * ${u(m.ports.length)} + ${q}u) * BATCH + b) * P.n + i], 0), inv_scale(P.inv${q}, P.ib${q}, b));`);
  // Poisson inputs differ per population: one case each, added in the reference's order.
  const cases = pops.map((p, k) => {
    const lines = p.poisson.map((src, s) =>
      `in_${m.ports[src.port]} = in_${m.ports[src.port]} + keep(f32(poisson_count(inputs[${u(src.tableBase)} + local], u32(inputs[${u(src.tableBase + B * p.size)} + local]), ${u(p.index)}, i, b, ${s}u)) * inputs[${u(src.tableBase + 2 * B * p.size)} + b]);`);
    return lines.length ? `    case ${k}u: { ${lines.join(' ')} }` : '';
  }).filter(Boolean);
  if (cases.length) inputs.push(`switch k {\n${cases.join('\n')}\n    default: {}\n  }`);
  inputs.push('var I_ext = 0.0;', 'if (P.has_dc != 0u) { I_ext = inputs[g]; }');
  const store = m.stateNames.map((s, v) => `state[P.state_base + (${v}u * BATCH + b) * P.n + i] = s_${s};`);
  return spikingSplice('neuron-update', neuronUpdate, {
    constants: constants(consts),
    lib: lib.join('\n'),
    load: load.join('\n  '),
    inputs: inputs.join('\n  '),
    update: m.wgsl.update,
    threshold: m.wgsl.threshold,
    reset: m.wgsl.reset,
    store: store.join('\n  '),
    'fault-check': faults ? faultCheck(m.stateNames.map((s) => `s_${s}`)) : '',
  });
}

/**
 * synapse-spike for every stored synapse, rows [row0, row1) of the network-wide rows (`pres`: the
 * presynaptic populations and where their rows start); target tables as generated switch functions.
 */
export function synapseSpikeWgsl(plan: SpikingPlan, pres: { pop: SpikingPopPlan; rowBase: number }[], row0: number, row1: number): string {
  const consts: Constants = { BATCH: plan.batch, NPRE: pres.length, ROW0: row0, ROW1: row1 };
  const posts = plan.pops;
  const table = (name: string, value: (p: SpikingPopPlan) => number) =>
    `fn ${name}(p: u32) -> u32 {\n  switch p {\n${posts.map((p) => `    case ${p.index}u: { return ${value(p)}u; }`).join('\n')}\n    default: { return 1u; }\n  }\n}`;
  const preCases = pres.map((p, q) => `    case ${q}u: { return PreInfo(${p.pop.index}u, ${p.pop.spikeBase}u, ${p.pop.size}u, ${p.rowBase}u); }`);
  const slotCases = plan.weightSlots.map((w, s) => `    case ${s + 1}u: { return ${w.base}u; }`);
  const tables = [
    `fn slot_base(sel: u32) -> u32 {\n  switch sel {\n${slotCases.join('\n')}${slotCases.length ? '\n' : ''}    default: { return 0u; }\n  }\n}`,
    table('post_slots', (p) => p.slots),
    table('post_slot_stride', (p) => p.model.ports.length * plan.batch * p.size),
    table('post_n', (p) => p.size),
    'struct PreInfo { pop: u32, spike_base: u32, n: u32, row_base: u32 }',
    `fn pre_info(q: u32) -> PreInfo {\n  switch q {\n${preCases.slice(1).join('\n')}\n    default: { return PreInfo(${preCases[0].replace(/^.*PreInfo\(/, '').replace(/\); }$/, '')}); }\n  }\n}`,
  ];
  return spikingSplice('synapse-spike', synapseSpike, { constants: constants(consts), lib: [bindings, ...tables].join('\n') });
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
  return spikingSplice('synapse-procedural', synapseProcedural, { constants: constants(consts), lib: [bindings, philox].join('\n') });
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
