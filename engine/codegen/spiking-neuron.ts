/**
 * The neuron step shared by every kernel that steps spiking neurons (neuron-update: one dispatch per
 * model per step; spiking-fused: every step of a chunk in one dispatch): the population table pop_info,
 * and per neuron model one step function made from shaders/lib/neuron-step.wgsl with the model's code
 * spliced in. Both kernels call the same function, so both paths run the same arithmetic.
 */
import philox from '../../shaders/lib/philox.wgsl';
import neuronLibrary from '../../shaders/lib/neuron.wgsl';
import neuronStep from '../../shaders/lib/neuron-step.wgsl';
import { f32Literal, splice, u32Literal } from './wgsl.ts';
import { faultCheck, faultLib } from './faults.ts';
import type { SpikingPlan, SpikingPopPlan } from '../plan/spiking.ts';

/** Where each population's spike recorder writes in the shared spike_bits buffer. */
export interface SpikeRecordSlot {
  pop: number;
  /** Recorder index (its slot in the per-step uniform). */
  rec: number;
  /** Offset of its region in spike_bits (u32 words). */
  bitsBase: number;
}

/** The fault words of a spiking network (engine/codegen/faults.ts) follow the spike counts in spike_count (two per population). */
export const spikingFaultBase = (plan: SpikingPlan): number => 2 * plan.pops.length;

/**
 * What the step functions need besides group 0: Philox, shaders/lib/neuron.wgsl and, with `faults`,
 * the fault check for up to `variables` state variables (with `perInstance`, one set of fault words per instance).
 */
export function neuronLib(plan: SpikingPlan, faults: boolean, variables: number, perInstance = false): string {
  return [philox, neuronLibrary, ...(faults ? [faultLib('spike_count', spikingFaultBase(plan), variables, { perInstance })] : [])].join('\n');
}

/** fn pop_info(k) for populations `pops` (k: position in `pops`); `firsts`: each one's first flat index in its kernel. */
export function popInfoWgsl(plan: SpikingPlan, pops: SpikingPopPlan[], recs: SpikeRecordSlot[], firsts: number[]): string {
  const u = u32Literal;
  const info = pops.map((p, k) => {
    const rec = recs.find((r) => r.pop === p.index);
    const inv = [0, 1, 2, 3].map((q) => f32Literal(q < p.model.ports.length ? 2 ** -p.scales[q] : 0));
    const fields = [p.size, firsts[k], p.neuronBase, p.stateBase, p.paramBase, p.paramCount, p.ringBase, p.slots, p.spikeBase, p.index,
      p.hasDc ? 1 : 0, rec ? rec.rec : 0xffffffff, rec ? rec.bitsBase : 0, Math.ceil(p.size / 32),
      // Where a port's inverse scale per instance starts in `inputs` (engine/plan/instance-weights.ts), else all ones.
      ...[0, 1, 2, 3].map((q) => p.instanceScales[q]?.base ?? 0xffffffff)].map(u);
    return `PopInfo(${[...fields, ...inv].join(', ')})`;
  });
  const cases = info.slice(1).map((x, k) => `    case ${k + 1}u: { return ${x}; }`);
  return `fn pop_info(k: u32) -> PopInfo {\n  switch k {\n${cases.join('\n')}${cases.length ? '\n' : ''}    default: { return ${info[0]}; }\n  }\n}`;
}

/**
 * Whether a Poisson input's table (at `base`: B rows of e^{-mean / chunks}, then B rows of chunk counts,
 * `n` neurons each; engine/plan/spiking-inputs.ts) holds one value per row in both halves.
 */
export function sharedPoissonRows(table: Float32Array, base: number, n: number, B: number): boolean {
  for (let r = 0; r < 2 * B; r++) {
    const row = base + r * n;
    for (let i = 1; i < n; i++) if (table[row + i] !== table[row]) return false;
  }
  return true;
}

/**
 * The step function `name`(P, b, i, step, prm) -> spiked for populations `pops` of one neuron model, with
 * its parameter struct Params_`name` and loader params_`name`(P, b). With `privateState`, the neuron's
 * state variables live in the invocation's private array pstate at o, o + 1, ... (an extra argument o;
 * the caller declares pstate and moves the state in and out of `state`), not in `state`.
 */
export function neuronStepWgsl(plan: SpikingPlan, pops: SpikingPopPlan[], name: string, faults: boolean, privateState = false): string {
  const m = pops[0].model, B = plan.batch, u = u32Literal;
  for (const p of pops) if (p.model.name !== m.name) throw new Error('neuron step: populations of one function must share a model');
  if (m.ports.length > 4) throw new Error(`model ${m.name}: at most 4 ports`);
  const names = [...m.paramNames, ...m.derivedNames];
  const type = `Params_${name}`;
  // The parameter row of (population, instance b): the model's parameters, derived parameters, refractory period in steps.
  const row = (k: number) => `params[P.param_base + b * P.param_count + ${k}u]`;
  const paramsLib = [
    `struct ${type} { ${[...names.map((p) => `p_${p}: f32`), 'refractory_steps: f32'].join(', ')} }`,
    `fn params_${name}(P: PopInfo, b: u32) -> ${type} {\n  return ${type}(${[...names.map((_, k) => row(k)), row(names.length)].join(', ')});\n}`,
  ].join('\n');
  const stateAt = (v: number) => (privateState ? `pstate[o + ${v}u]` : `state[P.state_base + (${v}u * BATCH + b) * P.n + i]`);
  const load = [
    ...m.stateNames.map((s, v) => `var s_${s} = ${stateAt(v)};`),
    ...names.map((p) => `let p_${p} = prm.p_${p};`),
  ];
  // The ring slot of this step: read, then cleared (nothing else writes it while neurons step, so no read-modify-write).
  const at = (q: number) => `&ring[P.ring_base + ((slot * ${u(m.ports.length)} + ${q}u) * BATCH + b) * P.n + i]`;
  const inputs = m.ports.flatMap((port, q) =>
    [`var in_${port} = from_fixed(atomicLoad(${at(q)}), inv_scale(P.inv${q}, P.ib${q}, b));`, `atomicStore(${at(q)}, 0);`]);
  // Poisson inputs differ per population: one case each, added in the reference's order. An input whose
  // table rows are the same for every neuron of an instance (a rate given once) reads them at the
  // instance's first neuron: one load for the workgroup where b is uniform, not one per invocation.
  const cases = pops.map((p) => {
    const lines = p.poisson.map((src, s) => {
      const at = sharedPoissonRows(plan.inputTable, src.tableBase, p.size, B) ? `b * ${u(p.size)}` : 'local';
      return `in_${m.ports[src.port]} = in_${m.ports[src.port]} + keep(f32(poisson_count(inputs[${u(src.tableBase)} + ${at}], u32(inputs[${u(src.tableBase + B * p.size)} + ${at}]), ${u(p.index)}, i, b, ${s}u, step)) * inputs[${u(src.tableBase + 2 * B * p.size)} + b]);`;
    });
    return lines.length ? `    case ${u(p.index)}: { ${lines.join(' ')} }` : '';
  }).filter(Boolean);
  if (cases.length) inputs.push(`switch P.pop {\n${cases.join('\n')}\n    default: {}\n  }`);
  inputs.push('var I_ext = 0.0;', 'if (P.has_dc != 0u) { I_ext = inputs[g]; }');
  const store = m.stateNames.map((s, v) => `${stateAt(v)} = s_${s};`);
  return splice(`neuron-step ${m.name}`, neuronStep, {
    name,
    params: paramsLib,
    'params-type': type,
    'private-offset': privateState ? ', o: u32' : '',
    load: load.join('\n  '),
    inputs: inputs.join('\n  '),
    update: m.wgsl.update,
    threshold: m.wgsl.threshold,
    reset: m.wgsl.reset,
    store: store.join('\n  '),
    'fault-check': faults ? faultCheck(m.stateNames.map((s) => `s_${s}`), 'g', true) : '',
  });
}
