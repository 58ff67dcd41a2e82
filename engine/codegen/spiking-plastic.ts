/**
 * The kernels of a group of plastic spiking projections (engine/plan/plastic-groups.ts): one per pass
 * kind, the templates shaders/spiking/plastic-*.wgsl with one block per projection
 * (plastic-*-block.wgsl) that has work in that pass, each with the projection's constants (function-scope
 * consts, its bases in the group's shared buffers among them) and its learning rule's compiled code
 * (engine/models/rule.ts) spliced in, preceded by the loads of every name the code reads and followed by
 * the stores of what it assigns.
 * Names follow rule.ts's wgslName: p_ parameters (the instance's row of pconst), t_ traces, s_w / s_e,
 * r_M, v_pre_* / v_post_* neuron state (group 0's state buffer, as this step's neuron update left it).
 */
import plasticTrace from '../../shaders/spiking/plastic-trace.wgsl';
import plasticPre from '../../shaders/spiking/plastic-pre.wgsl';
import plasticPost from '../../shaders/spiking/plastic-post.wgsl';
import plasticEligibility from '../../shaders/spiking/plastic-eligibility.wgsl';
import traceBlock from '../../shaders/spiking/plastic-trace-block.wgsl';
import preBlock from '../../shaders/spiking/plastic-pre-block.wgsl';
import postBlock from '../../shaders/spiking/plastic-post-block.wgsl';
import eligibilityBlock from '../../shaders/spiking/plastic-eligibility-block.wgsl';
import plasticLib from '../../shaders/lib/plastic.wgsl';
import type { RuleBlock } from '../models/rule.ts';
import type { PlasticMember } from '../plan/plastic-groups.ts';
import { plasticConstants, type PlasticPlan } from '../plan/spiking-plasticity.ts';
import type { SpikingPlan, SpikingPopPlan } from '../plan/spiking.ts';
import { splice, u32Literal, type Constants } from './wgsl.ts';
import { bindings, constants, spikingSplice } from './spiking-common.ts';

export type PlasticKernel = 'plastic-trace' | 'plastic-pre' | 'plastic-post' | 'plastic-eligibility';

const u = u32Literal;

/** Generates the loads, code and stores of a projection's rule for one kernel. */
class RuleEmitter {
  private readonly offsets: ReturnType<typeof plasticConstants>['offsets'];
  private readonly row: string[];

  constructor(private readonly plan: SpikingPlan, private readonly p: PlasticPlan) {
    this.offsets = plasticConstants(p).offsets;
    this.row = [...p.rule.paramNames, ...p.rule.derivedNames];
  }

  /** Parameters (and derived parameters) among `names`, from instance b's row. */
  params(names: Iterable<string>): string[] {
    const out: string[] = [];
    for (const n of names) {
      const k = this.row.indexOf(n);
      if (k >= 0) out.push(`let p_${n} = pconst[PB + ${u(this.offsets.params)} + b * ${u(this.row.length)} + ${u(k)}];`);
    }
    return out;
  }

  /** M: the modulator's value for instance b this step, or 1 without a modulator. */
  modulator(reads: Set<string>): string[] {
    if (!reads.has('M')) return [];
    const q = this.p.modulator;
    return [`let r_M = ${q >= 0 ? `mods[(step_info.local * BATCH + b) * NMOD + ${u(q)}]` : '1.0'};`];
  }

  /** Traces of `side` that `reads` names: before this step's spike (own side) or including it. */
  traces(reads: Set<string>, side: 'pre' | 'post', own: boolean): string[] {
    const neuron = side === 'pre' ? 'b * PRE_N + j' : 'b * POST_N + i';
    return this.p.rule.traces.flatMap((t, q) => {
      if (t.side !== side || !reads.has(t.name)) return [];
      const base = `TB + ${u(this.p.traceBase[q])} + 3u * (${neuron})`;
      return [own ? `let t_${t.name} = trace_before(${base});`
        : `let t_${t.name} = trace_at(${base}, PB + ${u(this.offsets.tables[q])}, ${u(this.p.traceTables[q].length)}, step);`];
    });
  }

  /** State variables of the presynaptic (index j) or postsynaptic (index i) neuron the code reads. */
  state(reads: Set<string>, side: 'pre' | 'post'): string[] {
    const pop: SpikingPopPlan = side === 'pre' ? this.p.pre : this.p.post;
    const B = this.plan.batch;
    const names = side === 'pre' ? this.p.rule.preState : this.p.rule.postState;
    return names.filter((v) => reads.has(`${side}_${v}`)).map((v) => {
      const at = pop.stateBase + pop.model.stateNames.indexOf(v) * B * pop.size;
      return `let v_${side}_${v} = state[${u(at)} + b * ${u(pop.size)} + ${side === 'pre' ? 'j' : 'i'}];`;
    });
  }

  /** The synapse's eligibility now (when read or assigned), the code, and the stores of w and e. */
  code(block: RuleBlock, loadW: boolean): string[] {
    const e = block.reads.has('e') || block.assigns.has('e');
    return [
      ...(loadW && (block.reads.has('w') || block.assigns.has('w')) ? ['var s_w = wel[WB + wi];'] : []),
      ...(e ? ['var s_e = elig_at(WB + BATCH * S + wi, EB + wi, TE_OFF, TE_LEN, step);'] : []),
      block.wgsl,
      ...(block.assigns.has('w') ? ['wel[WB + wi] = s_w;'] : []),
      ...(block.assigns.has('e') ? ['wel[WB + BATCH * S + wi] = s_e;', 'elast[EB + wi] = step;'] : []),
    ];
  }

  /** The trace kernel's block for the traces of `side` (e = the spike's b * N + neuron). */
  bumps(side: 'pre' | 'post'): string {
    return this.p.rule.traces.flatMap((t, q) => {
      if (t.side !== side) return [];
      return [[
        '{',
        `  let base = TB + ${u(this.p.traceBase[q])} + 3u * e;`,
        `  let before = trace_at(base, PB + ${u(this.offsets.tables[q])}, ${u(this.p.traceTables[q].length)}, step);`,
        ...this.params(t.reads).map((l) => `  ${l}`),
        `  bump(base, before, ${t.wgsl}, step);`,
        '}',
      ].join('\n    ')];
    }).join('\n    ');
  }
}

/** Whether projection `p` has work in pass `kernel` (a block in the group's kernel). */
export function hasPass(p: PlasticPlan, kernel: PlasticKernel): boolean {
  if (kernel === 'plastic-trace') return p.rule.traces.length > 0;
  if (kernel === 'plastic-post') return p.rule.blocks.onPost !== undefined;
  if (kernel === 'plastic-eligibility') return p.threeFactor;
  return true; // plastic-pre delivers the weights
}

const TEMPLATES = {
  'plastic-trace': [plasticTrace, traceBlock], 'plastic-pre': [plasticPre, preBlock],
  'plastic-post': [plasticPost, postBlock], 'plastic-eligibility': [plasticEligibility, eligibilityBlock],
} as const;

/** One projection's block of pass `kernel`: its constants (bases included) and its rule's code. */
function projectionBlock(plan: SpikingPlan, { p, at }: PlasticMember, kernel: PlasticKernel): string {
  const { offsets } = plasticConstants(p);
  const B = plan.batch, post = p.post, rule = p.rule;
  const consts: Constants = {
    S: p.synapses, PRE_N: p.pre.size, POST_N: post.size, PRE_POP: p.pre.index, POST_POP: post.index,
    PRE_SPIKE_BASE: p.pre.spikeBase, POST_SPIKE_BASE: post.spikeBase, TE_OFF: at.pconst + offsets.te, TE_LEN: p.tableElig.length,
    RING_BASE: post.ringBase + p.port * B * post.size, SLOT_STRIDE: post.model.ports.length * B * post.size, SLOTS: post.slots,
    GAIN_MOD: Math.max(p.gain, 0), HAS_GAIN: p.gain >= 0,
    HAS_PRE_TRACES: rule.traces.some((t) => t.side === 'pre'), HAS_POST_TRACES: rule.traces.some((t) => t.side === 'post'),
    // Where the port's scale is per instance: the weight slot whose a_b is 2^S_b (engine/plan/instance-weights.ts).
    SCALE_BASE: p.slot ? plan.weightSlots[p.slot - 1].base + 1 : 0xffffffff,
    // Its bases in the group's buffers: weights, eligibility steps, constants, traces, row (pre) or column (post) pointers, synapse arrays.
    WB: at.wel, EB: at.elast, PB: at.pconst, TB: at.tr, RB: kernel === 'plastic-post' ? at.colPtr : at.rowPtr, SB: at.syn,
  };
  const gen = new RuleEmitter(plan, p);
  const indent = (lines: string[], n: number) => lines.join(`\n${' '.repeat(n)}`);
  let parts: Record<string, string>;
  if (kernel === 'plastic-trace') {
    parts = { 'pre-traces': gen.bumps('pre'), 'post-traces': gen.bumps('post') };
  } else if (kernel === 'plastic-eligibility') {
    const block = rule.blocks.modulated!;
    parts = { synapse: indent([...gen.params(block.reads), ...gen.modulator(block.reads), ...gen.code(block, true)], 4) };
  } else {
    const own = kernel === 'plastic-pre' ? 'pre' : 'post', other = own === 'pre' ? 'post' : 'pre';
    const block = rule.blocks[own === 'pre' ? 'onPre' : 'onPost'];
    parts = block ? {
      neuron: indent([...gen.params(block.reads), ...gen.modulator(block.reads), ...gen.traces(block.reads, own, true), ...gen.state(block.reads, own)], 4),
      synapse: indent([...gen.traces(block.reads, other, false), ...gen.state(block.reads, other), ...gen.code(block, own === 'post')], 6),
    } : { neuron: '', synapse: '' };
  }
  const indented = constants(consts).split('\n').join('\n  ');
  // The block's header comment stays in its file; the kernel names the projection instead.
  const template = `// projection "${p.name}" (${p.pre.name} -> ${p.post.name})\n${TEMPLATES[kernel][1].replace(/^(\/\/.*\n)+/, '')}`;
  return splice(`${kernel} block "${p.name}"`, template, { constants: indented, ...parts });
}

/**
 * Pass `kernel` of a group of plastic projections: one block per member with work in that pass, in
 * order. The members touch disjoint weights, traces and eligibilities and add into the input rings
 * atomically in int32, so the merged pass gives the results of one dispatch per projection, bit for bit.
 */
export function plasticWgsl(plan: SpikingPlan, members: PlasticMember[], kernel: PlasticKernel): string {
  const B = plan.batch;
  const blocks = members.filter((m) => hasPass(m.p, kernel)).map((m) => projectionBlock(plan, m, kernel));
  const consts: Constants = {
    BATCH: B, NMOD: Math.max(plan.modulators.length, 1), DT: Math.fround(plan.dt),
    ...(kernel === 'plastic-eligibility' ? { FLAT_N: Math.max(...members.map((m) => B * m.p.synapses)) } : {}),
  };
  // Placeholders keep the shared functions compilable where a kernel has no traces (plastic-eligibility)
  // or no weights and eligibilities (plastic-trace).
  const tr = kernel === 'plastic-eligibility' ? 'var<private> tr: array<u32, 3>;\n' : '';
  const el = kernel === 'plastic-trace' ? 'var<private> wel: array<f32, 2>;\nvar<private> elast: array<u32, 2>;\n' : '';
  return spikingSplice(kernel, TEMPLATES[kernel][0], { constants: constants(consts), lib: `${bindings}\n${tr}${el}${plasticLib}`, projections: blocks.join('\n  ') });
}
