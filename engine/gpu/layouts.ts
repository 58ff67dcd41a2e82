/**
 * Bind-group layouts of every kernel, declared once: rate kernels (GROUP0 shared, GROUP1 per kernel
 * family), spiking kernels (SPIKING_GROUP0, SPIKING_GROUP1) and the synapse builder (BUILD_GROUP0).
 * The binding index is the position. test/unit/layout.test.ts reflects every assembled shader with
 * wgsl_reflect and checks its bindings against these declarations, so host and WGSL cannot drift apart.
 */

export type BindingKind = 'uniform-dynamic' | 'uniform' | 'read-only-storage' | 'storage';
export interface Binding { name: string; kind: BindingKind }

export const GROUP0: readonly Binding[] = [
  { name: 'step_info', kind: 'uniform-dynamic' },
  { name: 'rate_in', kind: 'read-only-storage' },
  { name: 'rate_out', kind: 'storage' },
  { name: 'state', kind: 'storage' },
  { name: 'syn', kind: 'storage' },
  { name: 'unit_table', kind: 'read-only-storage' },
  { name: 'inst_table', kind: 'read-only-storage' },
  { name: 'seeds', kind: 'read-only-storage' },
  { name: 'input_data', kind: 'read-only-storage' },
  { name: 'modulators', kind: 'storage' },
];

export type KernelName =
  | 'rate-update' | 'synapse-dense' | 'synapse-dense-subgroup' | 'synapse-dense-tiled' | 'synapse-reduce' | 'synapse-csr'
  | 'record-gather' | 'record-mean'
  | 'synapse-dense-plastic' | 'plasticity' | 'modulators' | 'record-weights' | 'record-modulator';

const DENSE_TILED = [
  { name: 'weights', kind: 'read-only-storage' },
  { name: 'partials', kind: 'storage' },
] as const;
const RECORD = [
  { name: 'units', kind: 'read-only-storage' },
  { name: 'ring', kind: 'storage' },
] as const;

/** Group-1 bindings of each kernel (binding index = position). */
export const GROUP1: Record<KernelName, readonly Binding[]> = {
  'rate-update': [],
  'synapse-dense': [{ name: 'weights', kind: 'read-only-storage' }],
  'synapse-dense-subgroup': [{ name: 'weights', kind: 'read-only-storage' }],
  'synapse-dense-tiled': DENSE_TILED,
  'synapse-reduce': DENSE_TILED,
  'synapse-csr': [
    { name: 'row_ptr', kind: 'read-only-storage' },
    { name: 'col_idx', kind: 'read-only-storage' },
    { name: 'values', kind: 'read-only-storage' },
  ],
  'record-gather': RECORD,
  'record-mean': RECORD,
  'synapse-dense-plastic': [{ name: 'weights', kind: 'read-only-storage' }],
  'plasticity': [
    { name: 'weights', kind: 'storage' },
    { name: 'eligibility', kind: 'storage' },
    { name: 'rule_params', kind: 'read-only-storage' },
  ],
  'modulators': [{ name: 'mod_params', kind: 'read-only-storage' }],
  'record-weights': [
    { name: 'weights', kind: 'read-only-storage' },
    { name: 'ring', kind: 'storage' },
  ],
  'record-modulator': [{ name: 'ring', kind: 'storage' }],
};

/** Byte stride of one step's StepInfo in the dynamic uniform buffer. */
export const STEP_STRIDE = 256;

export const SPIKING_GROUP0: readonly Binding[] = [
  { name: 'step_info', kind: 'uniform-dynamic' },
  { name: 'state', kind: 'storage' },
  { name: 'refrac', kind: 'storage' },
  { name: 'params', kind: 'read-only-storage' },
  { name: 'ring', kind: 'storage' },
  { name: 'spikes', kind: 'storage' },
  { name: 'spike_count', kind: 'storage' },
  { name: 'seeds', kind: 'read-only-storage' },
  { name: 'inputs', kind: 'read-only-storage' },
];

export type SpikingKernel = 'neuron-update' | 'synapse-spike' | 'synapse-procedural' | 'spike-source' | 'record-state' | 'record-rate'
  | 'plastic-trace' | 'plastic-pre' | 'plastic-post' | 'plastic-eligibility';

export const SPIKING_GROUP1: Record<SpikingKernel, readonly Binding[]> = {
  'neuron-update': [{ name: 'spike_bits', kind: 'storage' }],
  'synapse-spike': [
    { name: 'row_ptr', kind: 'read-only-storage' },
    { name: 'syn_target', kind: 'read-only-storage' },
    { name: 'wq', kind: 'read-only-storage' },
    { name: 'delay_pop', kind: 'read-only-storage' },
  ],
  'spike-source': [{ name: 'step_ptr', kind: 'read-only-storage' }, { name: 'neurons', kind: 'read-only-storage' }],
  'synapse-procedural': [{ name: 'row_ptr', kind: 'read-only-storage' }, { name: 'proj_info', kind: 'read-only-storage' }],
  'record-state': [{ name: 'units', kind: 'read-only-storage' }, { name: 'rec_ring', kind: 'storage' }],
  'record-rate': [{ name: 'counts', kind: 'storage' }],
  'plastic-trace': [{ name: 'pconst', kind: 'read-only-storage' }, { name: 'tr', kind: 'storage' }],
  'plastic-pre': [
    { name: 'row_ptr', kind: 'read-only-storage' },
    { name: 'post_idx', kind: 'read-only-storage' },
    { name: 'delay', kind: 'read-only-storage' },
    { name: 'pconst', kind: 'read-only-storage' },
    { name: 'tr', kind: 'read-only-storage' },
    { name: 'wel', kind: 'storage' },
    { name: 'mods', kind: 'read-only-storage' },
    { name: 'elast', kind: 'storage' },
  ],
  'plastic-post': [
    { name: 'col_ptr', kind: 'read-only-storage' },
    { name: 'col_syn', kind: 'read-only-storage' },
    { name: 'pre_idx', kind: 'read-only-storage' },
    { name: 'pconst', kind: 'read-only-storage' },
    { name: 'tr', kind: 'read-only-storage' },
    { name: 'wel', kind: 'storage' },
    { name: 'mods', kind: 'read-only-storage' },
    { name: 'elast', kind: 'storage' },
  ],
  'plastic-eligibility': [
    { name: 'pconst', kind: 'read-only-storage' },
    { name: 'wel', kind: 'storage' },
    { name: 'mods', kind: 'read-only-storage' },
    { name: 'elast', kind: 'read-only-storage' },
  ],
};

export type BuildKernel = 'build-count' | 'build-place';

/** The synapse builder's kernels use group 0 only (they run once, outside the step loop). */
export const BUILD_GROUP0: Record<BuildKernel, readonly Binding[]> = {
  'build-count': [
    { name: 'gen_info', kind: 'read-only-storage' },
    { name: 'counts', kind: 'storage' },
    { name: 'build_info', kind: 'uniform' },
  ],
  'build-place': [
    { name: 'gen_info', kind: 'read-only-storage' },
    { name: 'cursor', kind: 'storage' },
    { name: 'syn_target', kind: 'storage' },
    { name: 'wq', kind: 'storage' },
    { name: 'delay_pop', kind: 'storage' },
    { name: 'build_info', kind: 'uniform' },
  ],
};

export function entry(binding: number, kind: BindingKind): GPUBindGroupLayoutEntry {
  const visibility = GPUShaderStage.COMPUTE;
  if (kind === 'uniform-dynamic') return { binding, visibility, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: STEP_STRIDE } };
  if (kind === 'uniform') return { binding, visibility, buffer: { type: 'uniform' } };
  return { binding, visibility, buffer: { type: kind } };
}
