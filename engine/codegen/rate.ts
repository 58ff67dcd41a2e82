/**
 * Assembles rate kernel WGSL: a template from shaders/ with generated constants and the shared library
 * (bindings, Philox, the rate unit with its population's unit code, the generated input and epilogue
 * functions) spliced in at the named places `//!splice constants` and `//!splice lib` (codegen/wgsl.ts).
 */
import bindings from '../../shaders/lib/bindings.wgsl';
import philox from '../../shaders/lib/philox.wgsl';
import rateUnit from '../../shaders/lib/rate-unit.wgsl';
import rateUpdate from '../../shaders/rate-update.wgsl';
import denseRow from '../../shaders/lib/dense-row.wgsl';
import preRate from '../../shaders/lib/pre-rate.wgsl';
import synapseDense from '../../shaders/synapse-dense.wgsl';
import synapseDenseRows from '../../shaders/synapse-dense-rows.wgsl';
import synapseDenseSubgroup from '../../shaders/synapse-dense-subgroup.wgsl';
import synapseDenseTiled from '../../shaders/synapse-dense-tiled.wgsl';
import synapseDenseGemm from '../../shaders/synapse-dense-gemm.wgsl';
import synapseReduce from '../../shaders/synapse-reduce.wgsl';
import synapseCsr from '../../shaders/synapse-csr.wgsl';
import recordGather from '../../shaders/record-gather.wgsl';
import recordMean from '../../shaders/record-mean.wgsl';
import synapseDensePlastic from '../../shaders/synapse-dense-plastic.wgsl';
import modulators from '../../shaders/modulators.wgsl';
import recordWeights from '../../shaders/record-weights.wgsl';
import recordModulator from '../../shaders/record-modulator.wgsl';
import { GROUP1, type KernelName } from '../gpu/layouts.ts';
import { STEP_INFO_WGSL } from '../gpu/step-info.ts';
import { constantsBlock, declareBindings, splice, type Constants } from './wgsl.ts';
import { faultCheck, faultLib } from './faults.ts';
import { gemmParts } from './rate-gemm.ts';
import { unitWgsl } from '../models/rate-unit.ts';
import { MOD_WORDS, type InputPlan, type PopPlan, type NetworkPlan, type TimePlan } from '../plan/rate.ts';

export type { Constants };

/** Rate kernels assembled here (plasticity is generated from its rule: engine/codegen/rate-plasticity.ts). */
export type AssembledKernel = Exclude<KernelName, 'plasticity'>;

const TEMPLATES: Record<AssembledKernel, string> = {
  'rate-update': rateUpdate,
  'synapse-dense': synapseDense,
  'synapse-dense-subgroup': synapseDenseSubgroup,
  'synapse-dense-rows': synapseDenseRows,
  'synapse-dense-tiled': synapseDenseTiled,
  'synapse-dense-gemm': synapseDenseGemm,
  'synapse-reduce': synapseReduce,
  'synapse-csr': synapseCsr,
  'record-gather': recordGather,
  'record-mean': recordMean,
  'synapse-dense-plastic': synapseDensePlastic,
  'modulators': modulators,
  'record-weights': recordWeights,
  'record-modulator': recordModulator,
};

/** What record-gather reads for unit u of instance b: its state x or rate r(x) at the end of the step. */
const RECORDED_UNIT = `fn recorded(b: u32, u: u32) -> f32 {
  let g = UNIT_BASE + b * UNIT_N + u;
  if (RECORD_STATE) { return state[g]; }
  return rate_out[g];
}`;

/** The factor a time course contributes at `step` (' * ...'; nothing for a constant course). */
function courseTerm(t: TimePlan, size: number): string {
  if (t.kind === 'pulse') return ` * select(0.0, 1.0, step >= ${t.startStep}u && step < ${t.stopStep}u)`;
  if (t.kind === 'array') {
    const sample = `min(step / ${t.everySteps}u, ${t.samples - 1}u)`;
    return t.perUnit ? ` * input_data[${t.dataOffset}u + ${sample} * ${size}u + i]` : ` * input_data[${t.dataOffset}u + ${sample}]`;
  }
  return '';
}

function inputTerm(inp: InputPlan, size: number): string {
  const amp = `inst_table[b * INST_K + ${inp.ampParam}u]`;
  const profile = inp.profileOffset >= 0 ? ` * unit_table[${inp.profileOffset}u + i]` : '';
  return `  v += ${amp}${profile}${courseTerm(inp.time, size)};  // input "${inp.name}"`;
}

/** The generated body of the modulators kernel: one block per computed modulator (shaders/modulators.wgsl). */
export function modulatorsCode(plan: NetworkPlan): string {
  const blocks = plan.modulators.map((m) => {
    const value = `modulators[b * MOD_K + ${m.index}u]`;
    const o = m.index * MOD_WORDS;
    if (m.kind === 'host') return `  // modulator "${m.name}": set by the host`;
    if (m.kind === 'schedule') {
      return `  if (lid == 0u) {  // modulator "${m.name}" (schedule)\n    ${value} = inst_table[b * INST_K + ${m.baseParam}u] + inst_table[b * INST_K + ${m.ampParam}u]${courseTerm(m.time, 1)};\n  }`;
    }
    const n = m.pop.size;
    const pred = `modulators[BATCH * MOD_K + b * MOD_K + ${m.index}u]`;
    return [
      `  {  // modulator "${m.name}" (activity of "${m.pop.name}")`,
      '    var acc = 0.0;',
      `    for (var i = lid; i < ${n}u; i += 256u) { acc += unit_table[${m.profileOffset}u + i] * rate_in[${m.pop.base}u + b * ${n}u + i]; }`,
      '    let r = workgroup_sum(acc, lid);',
      '    if (lid == 0u) {',
      `      let p = ${pred};`,
      '      let d = r - p;',
      `      ${value} = mod_params[${o}u] + mod_params[${o + 1}u] * d;`,
      `      ${pred} = p + mod_params[${o + 2}u] * d;`,
      '    }',
      '  }',
    ].join('\n');
  });
  return `fn update_modulators(b: u32, lid: u32) {\n  let step = step_info.step;\n${blocks.join('\n')}\n}`;
}

/** The projection's gain for instance b: its instance-table gain, times its gain modulator if any. */
export function projGain(gainModulator: number): string {
  const mod = gainModulator >= 0 ? ` * modulators[b * MOD_K + ${gainModulator}u]` : '';
  return `fn proj_gain(b: u32) -> f32 {\n  return inst_table[b * INST_K + GAIN_PARAM]${mod};\n}`;
}

/** The generated part of the library for a population: its external input. */
export function externalInput(pop: PopPlan): string {
  const lines = pop.inputs.map((inp) => inputTerm(inp, pop.size));
  return `fn external_input(b: u32, i: u32, step: u32) -> f32 {\n  var v = 0.0;\n${lines.join('\n')}\n  return v;\n}`;
}

/** How a projection kernel finishes: store or add into syn, or finish the population's step. */
export type EpilogueMode = 'store' | 'accumulate' | 'finish' | 'finish-after-syn';

function epilogue(mode: EpilogueMode): string {
  const g = 'UNIT_BASE + b * UNIT_N + i';
  const body = {
    store: `syn[${g}] = v;`,
    accumulate: `syn[${g}] = syn[${g}] + v;`,
    finish: 'update_unit(b, i, v);',
    'finish-after-syn': `update_unit(b, i, syn[${g}] + v);`,
  }[mode];
  return `fn epilogue(b: u32, i: u32, v: f32) {\n  ${body}\n}`;
}

/** Constants describing the population whose units a kernel updates or writes. */
export function unitConstants(plan: NetworkPlan, pop: PopPlan): Constants {
  return {
    UNIT_N: pop.size, UNIT_BASE: pop.base, UNIT_TABLE: pop.tableBase, BATCH: plan.batch, INST_K: plan.instK, MOD_K: plan.modK,
  };
}

/**
 * The library of a kernel that updates a population: the rate unit, its inputs and, for a projection
 * kernel, the epilogue and the projection's gain (gainModulator: index of its gain modulator or -1).
 */
export interface UnitLib {
  pop: PopPlan;
  epilogue?: EpilogueMode;
  gainModulator?: number;
  /** Check x and r of every unit for NaN and infinity (engine/codegen/faults.ts). */
  faults?: boolean;
}

/** The variables the fault check names for a rate unit, in its word order: the state x, then the rate r. */
export const RATE_FAULT_VARIABLES = ['x', 'r'];

/**
 * How lib/rate-unit.wgsl reaches the step and the next rates in a multi-dispatch kernel (one step per
 * dispatch): StepInfo's step, rate_out. rate-fused defines both from its step loop instead.
 */
const STEP_ACCESS = `fn this_step() -> u32 { return step_info.step; }
fn put_rate(g: u32, r: f32) { rate_out[g] = r; }`;

/**
 * shaders/lib/rate-unit.wgsl with the population's unit code (and the fault check, if asked) spliced in,
 * preceded by `access` (this_step and put_rate; the multi-dispatch kernels' by default).
 */
export function rateUnitLib(pop: PopPlan, faults: boolean, access = STEP_ACCESS): string {
  const code = unitWgsl(pop.unit);
  const check = faults ? faultCheck(['s_x', 'r_out']) : '';
  const unit = splice('rate-unit', rateUnit, { 'unit-values': code.values, 'unit-update': code.update, 'unit-activation': code.activation, 'fault-check': check });
  return [access, ...(faults ? [faultLib('fault', 0, RATE_FAULT_VARIABLES.length)] : []), unit].join('\n');
}

export function assemble(kernel: AssembledKernel, constants: Constants, lib?: UnitLib, generated?: string): string {
  const parts = [constantsBlock(constants), STEP_INFO_WGSL, bindings, declareBindings(1, GROUP1[kernel])];
  const libParts = lib ? [philox, rateUnitLib(lib.pop, lib.faults ?? false), externalInput(lib.pop), lib.epilogue ? epilogue(lib.epilogue) + '\n' + projGain(lib.gainModulator ?? -1) : ''] : [];
  if (generated) libParts.push(generated);
  if (kernel === 'synapse-dense' || kernel === 'synapse-dense-subgroup') libParts.push(preRate, denseRow);
  if (kernel === 'synapse-dense-rows') libParts.push(preRate);
  if (kernel === 'record-gather') libParts.push(RECORDED_UNIT);
  // The register-tiled GEMM's unrolled parts follow from its tile constants RT x IT.
  const unrolled = kernel === 'synapse-dense-gemm' ? gemmParts(Number(constants.RT), Number(constants.IT)) : {};
  return splice(kernel, TEMPLATES[kernel], { constants: parts.join('\n'), lib: libParts.join('\n'), ...unrolled });
}
