/**
 * Assembles the spiking kernels: templates from shaders/ with generated constants, the shared bindings
 * and Philox, and the model's compiled code at the named splice places of neuron-update.wgsl.
 */
import bindings from '../../shaders/lib/spiking-bindings.wgsl';
import philox from '../../shaders/lib/philox.wgsl';
import neuronUpdate from '../../shaders/neuron-update.wgsl';
import synapseSpike from '../../shaders/synapse-spike.wgsl';
import synapseProcedural from '../../shaders/synapse-procedural.wgsl';
import spikeSource from '../../shaders/spike-source.wgsl';
import recordState from '../../shaders/spiking/record-state.wgsl';
import { toWgsl, parseExpr } from '../models/expr.ts';
import { STREAM_PROCEDURAL, type ProceduralPlan, type SpikeSourcePlan, type SpikingPlan, type SpikingPopPlan } from './plan.ts';

type Constants = Record<string, number | boolean>;
/** Constants that are f32 (all other numbers are u32). */
const F32 = new Set(['DT']);

function f32Literal(v: number): string {
  return toWgsl(parseExpr(String(Math.abs(v))), (n) => n).replace(/^/, v < 0 ? '-' : '');
}

function constantsBlock(c: Constants): string {
  return Object.entries(c).map(([k, v]) => {
    if (typeof v === 'boolean') return `const ${k} = ${v};`;
    if (F32.has(k)) return `const ${k}: f32 = ${f32Literal(v)};`;
    if (!Number.isInteger(v) || v < 0) throw new Error(`constant ${k} must be a non-negative integer, got ${v}`);
    return `const ${k}: u32 = ${v}u;`;
  }).join('\n');
}

function splice(template: string, parts: Record<string, string>): string {
  let out = template;
  for (const [name, text] of Object.entries(parts)) {
    const marker = name === 'threshold' ? `/*!splice ${name}*/` : `//!splice ${name}`;
    if (!out.includes(marker)) throw new Error(`template has no splice point "${name}"`);
    out = out.replace(marker, text);
  }
  return out;
}

/** neuron-update for one population; `rec` is the spike recorder's slot index, or -1. */
export function neuronUpdateWgsl(plan: SpikingPlan, pop: SpikingPopPlan, rec: number): string {
  const m = pop.model, B = plan.batch, N = pop.size;
  const consts: Constants = {
    N, BATCH: B, POP: pop.index, NEURON_BASE: pop.neuronBase, SLOTS: pop.slots, PORTS: m.ports.length,
    PARAM_BASE: pop.paramBase, PARAM_COUNT: pop.paramCount, SPIKE_BASE: pop.spikeBase, STATE_BASE: pop.stateBase,
    RECORD_SPIKES: rec >= 0, REC: Math.max(rec, 0), WORDS: Math.ceil(N / 32), DT: Math.fround(plan.dt),
  };
  const load = [
    ...m.stateNames.map((s, v) => `var s_${s} = state[STATE_BASE + (${v}u * BATCH + b) * N + i];`),
    ...[...m.paramNames, ...m.derivedNames].map((p, k) => `let p_${p} = params[PARAM_BASE + b * PARAM_COUNT + ${k}u];`),
  ];
  const inputs = m.ports.map((port, q) =>
    `var in_${port} = from_fixed(atomicExchange(&ring[${pop.ringBase}u + ((slot * PORTS + ${q}u) * BATCH + b) * N + i], 0), ${f32Literal(2 ** -pop.scales[q])});`);
  pop.poisson.forEach((src, k) => {
    inputs.push(`in_${m.ports[src.port]} = in_${m.ports[src.port]} + keep(f32(poisson_count(inputs[${src.tableBase}u + flat], i, b, ${k}u)) * ${f32Literal(src.weight)});`);
  });
  inputs.push(pop.hasDc ? 'let I_ext = inputs[g];' : 'let I_ext = 0.0;');
  const store = m.stateNames.map((s, v) => `state[STATE_BASE + (${v}u * BATCH + b) * N + i] = s_${s};`);
  return splice(neuronUpdate, {
    constants: constantsBlock(consts),
    lib: [bindings, philox].join('\n'),
    load: load.join('\n  '),
    inputs: inputs.join('\n  '),
    update: m.wgsl.update,
    threshold: m.wgsl.threshold,
    reset: m.wgsl.reset,
    store: store.join('\n  '),
  });
}

/**
 * synapse-spike for the stored projections leaving population `pre` (targets `posts`), rows [row0, row1);
 * target tables as generated switch functions.
 */
export function synapseSpikeWgsl(plan: SpikingPlan, pre: SpikingPopPlan, posts: SpikingPopPlan[], row0: number, row1: number): string {
  const consts: Constants = { BATCH: plan.batch, PRE_POP: pre.index, PRE_N: pre.size, PRE_SPIKE_BASE: pre.spikeBase, ROW0: row0, ROW1: row1 };
  const table = (name: string, value: (p: SpikingPopPlan) => number) =>
    `fn ${name}(p: u32) -> u32 {\n  switch p {\n${posts.map((p) => `    case ${p.index}u: { return ${value(p)}u; }`).join('\n')}\n    default: { return 1u; }\n  }\n}`;
  const tables = [
    table('post_slots', (p) => p.slots),
    table('post_slot_stride', (p) => p.model.ports.length * plan.batch * p.size),
    table('post_n', (p) => p.size),
  ];
  return splice(synapseSpike, { constants: constantsBlock(consts), lib: [bindings, ...tables].join('\n') });
}

export function recordStateWgsl(plan: SpikingPlan, pop: SpikingPopPlan, variable: number, units: number, rec: number): string {
  const consts: Constants = { BATCH: plan.batch, N: pop.size, STATE_BASE: pop.stateBase, VAR: variable, M: units, REC: rec };
  return splice(recordState, { constants: constantsBlock(consts), lib: bindings });
}

/** synapse-procedural for the procedural projections leaving one population (parameters: proceduralInfo). */
export function synapseProceduralWgsl(plan: SpikingPlan, projs: ProceduralPlan[]): string {
  const pre = projs[0].pre;
  const consts: Constants = { BATCH: plan.batch, PRE_POP: pre.index, PRE_N: pre.size, PRE_SPIKE_BASE: pre.spikeBase, NPROJ: projs.length };
  return splice(synapseProcedural, { constants: constantsBlock(consts), lib: [bindings, philox].join('\n') });
}

/** The proj_info words of synapse-procedural (13 per projection; floats as their bits). */
export function proceduralInfo(plan: SpikingPlan, projs: ProceduralPlan[], rowBases: number[]): Uint32Array {
  const words = new Uint32Array(projs.length * 13);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const bits = (v: number) => { f[0] = v; return u[0]; };
  projs.forEach((p, q) => {
    const post = p.post, B = plan.batch;
    words.set([
      rowBases[q], post.size, post.ringBase + p.port * B * post.size, post.model.ports.length * B * post.size, post.slots,
      p.seed >>> 0, (STREAM_PROCEDURAL | p.index) >>> 0, p.sign,
      bits(p.wMean), bits(p.wSd), bits(p.dMean), bits(p.dSd), bits(2 ** post.scales[p.port]),
    ], q * 13);
  });
  return words;
}

export function spikeSourceWgsl(plan: SpikingPlan, src: SpikeSourcePlan): string {
  const pop = src.pop;
  const consts: Constants = {
    BATCH: plan.batch, N: pop.size, STEPS: src.stepPtr.length - 1, SLOTS: pop.slots, PORTS: pop.model.ports.length,
    PORT: src.port, RING_BASE: pop.ringBase,
  };
  const wq = `const WQ: i32 = ${src.wq | 0};`;
  return splice(spikeSource, { constants: `${constantsBlock(consts)}\n${wq}`, lib: bindings });
}
