/**
 * Bind-group layouts of every kernel, declared once: rate kernels (GROUP0 shared, GROUP1 per kernel
 * family), spiking kernels (SPIKING_GROUP0, SPIKING_GROUP1) and the synapse builder (BUILD_GROUP0).
 * The binding index is the position. test/unit/layout.test.ts reflects every assembled shader with
 * wgsl_reflect and checks its bindings against these declarations, so host and WGSL cannot drift apart.
 */

/**
 * 'step-uniform': one step's StepInfo window of the chunk's step buffer, bound at a static offset (one
 * group-0 bind group per step slot of a chunk: on lavapipe a dynamic offset maps and unmaps a page of
 * memory per dispatch).
 */
export type BindingKind = 'step-uniform' | 'uniform' | 'read-only-storage' | 'storage';
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The WGSL type of the variable; group-1 (and builder) declarations are generated from it. */
  type?: string;
}

export const GROUP0: readonly Binding[] = [
  { name: 'step_info', kind: 'step-uniform' },
  { name: 'rate_in', kind: 'read-only-storage' },
  { name: 'rate_out', kind: 'storage' },
  { name: 'state', kind: 'storage' },
  { name: 'syn', kind: 'storage' },
  { name: 'unit_table', kind: 'read-only-storage' },
  { name: 'inst_table', kind: 'read-only-storage' },
  { name: 'seeds', kind: 'read-only-storage' },
  { name: 'input_data', kind: 'read-only-storage' },
  { name: 'modulators', kind: 'storage' },
  { name: 'fault', kind: 'storage' },
];

export type KernelName =
  | 'rate-update' | 'synapse-dense' | 'synapse-dense-subgroup' | 'synapse-dense-rows' | 'synapse-dense-tiled' | 'synapse-dense-gemm' | 'synapse-reduce' | 'synapse-csr'
  | 'record-gather' | 'record-mean'
  | 'synapse-dense-plastic' | 'plasticity' | 'modulators' | 'record-weights' | 'record-modulator';

const DENSE_TILED = [
  { name: 'weights', kind: 'read-only-storage', type: 'array<vec4<f32>>' },
  { name: 'partials', kind: 'storage', type: 'array<f32>' },
] as const;
const RECORD = [
  { name: 'units', kind: 'read-only-storage', type: 'array<u32>' },
  { name: 'rec_ring', kind: 'storage', type: 'array<f32>' },
] as const;

/** Group-1 bindings of each kernel (binding index = position). */
export const GROUP1: Record<KernelName, readonly Binding[]> = {
  'rate-update': [],
  'synapse-dense': [{ name: 'weights', kind: 'read-only-storage', type: 'array<vec4<f32>>' }],
  'synapse-dense-subgroup': [{ name: 'weights', kind: 'read-only-storage', type: 'array<vec4<f32>>' }],
  'synapse-dense-rows': [{ name: 'weights', kind: 'read-only-storage', type: 'array<vec4<f32>>' }],
  'synapse-dense-tiled': DENSE_TILED,
  'synapse-dense-gemm': DENSE_TILED,
  'synapse-reduce': DENSE_TILED,
  'synapse-csr': [
    { name: 'row_ptr', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'col_idx', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'values', kind: 'read-only-storage', type: 'array<f32>' },
  ],
  'record-gather': RECORD,
  'record-mean': RECORD,
  'synapse-dense-plastic': [{ name: 'weights', kind: 'read-only-storage', type: 'array<f32>' }],
  'plasticity': [
    { name: 'weights', kind: 'storage', type: 'array<f32>' },
    { name: 'eligibility', kind: 'storage', type: 'array<f32>' },
    { name: 'rule_params', kind: 'read-only-storage', type: 'array<f32>' },
  ],
  'modulators': [{ name: 'mod_params', kind: 'read-only-storage', type: 'array<f32>' }],
  'record-weights': [
    { name: 'weights', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'rec_ring', kind: 'storage', type: 'array<f32>' },
  ],
  'record-modulator': [{ name: 'rec_ring', kind: 'storage', type: 'array<f32>' }],
};

/** Byte stride of one step's StepInfo in the chunk's step buffer (a multiple of minUniformBufferOffsetAlignment). */
export const STEP_STRIDE = 256;

export const SPIKING_GROUP0: readonly Binding[] = [
  { name: 'step_info', kind: 'step-uniform' },
  { name: 'state', kind: 'storage' },
  { name: 'refrac', kind: 'storage' },
  { name: 'params', kind: 'read-only-storage' },
  { name: 'ring', kind: 'storage' },
  { name: 'spikes', kind: 'storage' },
  { name: 'spike_count', kind: 'storage' },
  { name: 'seeds', kind: 'read-only-storage' },
  { name: 'inputs', kind: 'read-only-storage' },
];

export type SpikingKernel = 'neuron-update' | 'synapse-spike' | 'synapse-procedural' | 'spike-source' | 'record-gather' | 'record-rate'
  | 'plastic-trace' | 'plastic-pre' | 'plastic-post' | 'plastic-eligibility' | 'spiking-fused';

/** What the presynaptic and postsynaptic plastic passes both bind after their own index arrays. */
const PLASTIC_PASS: readonly Binding[] = [
    { name: 'pconst', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'tr', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'wel', kind: 'storage', type: 'array<f32>' },
    { name: 'mods', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'elast', kind: 'storage', type: 'array<u32>' },
];

/** Stored synapses (shaders/lib/deliver.wgsl). */
const STORED: readonly Binding[] = [
  { name: 'row_ptr', kind: 'read-only-storage', type: 'array<u32>' },
  { name: 'syn_target', kind: 'read-only-storage', type: 'array<u32>' },
  { name: 'wq', kind: 'read-only-storage', type: 'array<i32>' },
  { name: 'delay_pop', kind: 'read-only-storage', type: 'array<u32>' },
];

export const SPIKING_GROUP1: Record<SpikingKernel, readonly Binding[]> = {
  'neuron-update': [{ name: 'spike_bits', kind: 'storage', type: 'array<atomic<u32>>' }],
  'synapse-spike': STORED,
  'spiking-fused': [
    { name: 'spike_bits', kind: 'storage', type: 'array<atomic<u32>>' }, ...STORED,
    { name: 'tables', kind: 'read-only-storage', type: 'array<u32>' }, { name: 'rec_rings', kind: 'storage', type: 'array<u32>' },
  ],
  'spike-source': [{ name: 'step_ptr', kind: 'read-only-storage', type: 'array<u32>' }, { name: 'neurons', kind: 'read-only-storage', type: 'array<u32>' }],
  'synapse-procedural': [{ name: 'row_ptr', kind: 'read-only-storage', type: 'array<u32>' }, { name: 'proj_info', kind: 'read-only-storage', type: 'array<u32>' }],
  'record-gather': [{ name: 'units', kind: 'read-only-storage', type: 'array<u32>' }, { name: 'rec_ring', kind: 'storage', type: 'array<f32>' }],
  'record-rate': [{ name: 'counts', kind: 'storage', type: 'array<atomic<u32>>' }],
  'plastic-trace': [{ name: 'pconst', kind: 'read-only-storage', type: 'array<f32>' }, { name: 'tr', kind: 'storage', type: 'array<u32>' }],
  'plastic-pre': [
    { name: 'row_ptr', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'post_idx', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'delay', kind: 'read-only-storage', type: 'array<u32>' },
    ...PLASTIC_PASS,
  ],
  'plastic-post': [
    { name: 'col_ptr', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'col_syn', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'pre_idx', kind: 'read-only-storage', type: 'array<u32>' },
    ...PLASTIC_PASS,
  ],
  'plastic-eligibility': [
    { name: 'pconst', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'wel', kind: 'storage', type: 'array<f32>' },
    { name: 'mods', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'elast', kind: 'read-only-storage', type: 'array<u32>' },
  ],
};

export type BuildKernel = 'build-count' | 'build-place';

/** The synapse builder's kernels use group 0 only (they run once, outside the step loop). */
export const BUILD_GROUP0: Record<BuildKernel, readonly Binding[]> = {
  'build-count': [
    { name: 'gen_info', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'counts', kind: 'storage', type: 'array<atomic<u32>>' },
    { name: 'build_info', kind: 'uniform', type: 'vec4<u32>' },
  ],
  'build-place': [
    { name: 'gen_info', kind: 'read-only-storage', type: 'array<u32>' },
    { name: 'cursor', kind: 'storage', type: 'array<atomic<u32>>' },
    { name: 'syn_target', kind: 'storage', type: 'array<u32>' },
    { name: 'wq', kind: 'storage', type: 'array<i32>' },
    { name: 'delay_pop', kind: 'storage', type: 'array<u32>' },
    { name: 'build_info', kind: 'uniform', type: 'vec4<u32>' },
  ],
};

export function entry(binding: number, kind: BindingKind): GPUBindGroupLayoutEntry {
  const visibility = GPUShaderStage.COMPUTE;
  if (kind === 'step-uniform') return { binding, visibility, buffer: { type: 'uniform', minBindingSize: STEP_STRIDE } };
  if (kind === 'uniform') return { binding, visibility, buffer: { type: 'uniform' } };
  return { binding, visibility, buffer: { type: kind } };
}

/**
 * Group 0 of rate-fused: GROUP0 with both rate buffers writable (it loops over the chunk's steps, so
 * the two parities swap roles inside one dispatch).
 */
export const RATE_FUSED_GROUP0: readonly Binding[] = GROUP0.map((b) => (b.name === 'rate_in' ? { ...b, kind: 'storage' as const } : b));

/** Group 1 of rate-fused: the dense weights of each projection k (rows padded to vec4s), `weights_k`. */
export function rateFusedGroup1(projections: number): Binding[] {
  return Array.from({ length: projections }, (_, k) => ({ name: `weights_${k}`, kind: 'read-only-storage' as const, type: 'array<vec4<f32>>' }));
}

/** The analysis kernels' group 0 (engine/run/lagged-covariance.ts). */
export const ANALYSIS_GROUP0 = {
  'lagged-covariance': [
    { name: 'params', kind: 'uniform', type: 'Params' },
    { name: 'z', kind: 'read-only-storage', type: 'array<f32>' },
    { name: 'out', kind: 'storage', type: 'array<f32>' },
  ],
} as const satisfies Record<string, readonly Binding[]>;
