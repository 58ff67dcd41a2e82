/**
 * Assembles kernel WGSL: a template from shaders/ with generated constants and the shared library
 * (bindings, Philox, the rate unit, the generated input and epilogue functions) spliced in at the
 * named places `//!splice constants` and `//!splice lib`. Set LAMINA_DUMP_SHADERS=DIR to write every
 * assembled shader to DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bindings from '../../shaders/lib/bindings.wgsl';
import philox from '../../shaders/lib/philox.wgsl';
import rateUnit from '../../shaders/lib/rate-unit.wgsl';
import rateUpdate from '../../shaders/rate-update.wgsl';
import denseRow from '../../shaders/lib/dense-row.wgsl';
import synapseDense from '../../shaders/synapse-dense.wgsl';
import synapseDenseSubgroup from '../../shaders/synapse-dense-subgroup.wgsl';
import synapseDenseTiled from '../../shaders/synapse-dense-tiled.wgsl';
import synapseReduce from '../../shaders/synapse-reduce.wgsl';
import synapseCsr from '../../shaders/synapse-csr.wgsl';
import recordGather from '../../shaders/record-gather.wgsl';
import recordMean from '../../shaders/record-mean.wgsl';
import type { KernelName } from '../gpu/layouts.ts';
import { ACTIVATION_CODE, type InputPlan, type PopPlan, type NetworkPlan } from '../model/compile.ts';

const TEMPLATES: Record<KernelName, string> = {
  'rate-update': rateUpdate,
  'synapse-dense': synapseDense,
  'synapse-dense-subgroup': synapseDenseSubgroup,
  'synapse-dense-tiled': synapseDenseTiled,
  'synapse-reduce': synapseReduce,
  'synapse-csr': synapseCsr,
  'record-gather': recordGather,
  'record-mean': recordMean,
};

/** Constants: numbers become u32 unless listed as signed; booleans stay bool. */
export type Constants = Record<string, number | boolean>;
const SIGNED = new Set(['NOISE_PARAM']);

function constantsBlock(c: Constants): string {
  return Object.entries(c).map(([k, v]) => {
    if (typeof v === 'boolean') return `const ${k} = ${v};`;
    if (!Number.isInteger(v)) throw new Error(`constant ${k} must be an integer, got ${v}`);
    return SIGNED.has(k) ? `const ${k}: i32 = ${v};` : `const ${k}: u32 = ${v}u;`;
  }).join('\n');
}

function inputTerm(inp: InputPlan, size: number): string {
  const amp = `inst_table[b * INST_K + ${inp.ampParam}u]`;
  const profile = inp.profileOffset >= 0 ? ` * unit_table[${inp.profileOffset}u + i]` : '';
  const t = inp.time;
  let course = '';
  if (t.kind === 'pulse') course = ` * select(0.0, 1.0, step >= ${t.startStep}u && step < ${t.stopStep}u)`;
  if (t.kind === 'array') {
    const sample = `min(step / ${t.everySteps}u, ${t.samples - 1}u)`;
    course = t.perUnit ? ` * input_data[${t.dataOffset}u + ${sample} * ${size}u + i]` : ` * input_data[${t.dataOffset}u + ${sample}]`;
  }
  return `  v += ${amp}${profile}${course};  // input "${inp.name}"`;
}

/** The generated part of the library for a population: its external input. */
function externalInput(pop: PopPlan): string {
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
    UNIT_N: pop.size, UNIT_BASE: pop.base, UNIT_TABLE: pop.tableBase, BATCH: plan.batch,
    ACTIVATION: ACTIVATION_CODE[pop.activation], NOISE_PARAM: pop.noiseParam, INST_K: plan.instK,
  };
}

export function assemble(kernel: KernelName, constants: Constants, lib?: { pop: PopPlan; epilogue?: EpilogueMode }): string {
  const parts = [constantsBlock(constants), bindings];
  const libParts = lib ? [philox, rateUnit, externalInput(lib.pop), lib.epilogue ? epilogue(lib.epilogue) : ''] : [];
  if (kernel === 'synapse-dense' || kernel === 'synapse-dense-subgroup') libParts.push(denseRow);
  const src = TEMPLATES[kernel]
    .replace('//!splice constants', parts.join('\n'))
    .replace('//!splice lib', libParts.join('\n'));
  const dump = process.env.LAMINA_DUMP_SHADERS;
  if (dump) {
    mkdirSync(dump, { recursive: true });
    const tag = lib ? `${lib.pop.name}-${lib.epilogue ?? 'update'}` : String(constants.UNIT_BASE ?? '');
    writeFileSync(join(dump, `${kernel}.${tag}.${Date.now() % 100000}.wgsl`), src);
  }
  return src;
}
