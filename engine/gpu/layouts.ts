/**
 * Bind-group layouts, declared once. Group 0 (network state) is shared by every kernel; group 1 is
 * per kernel family. test/unit/layout.test.ts reflects every assembled shader with wgsl_reflect and checks
 * its bindings against these declarations, so host and WGSL cannot drift apart.
 */

export type BindingKind = 'uniform-dynamic' | 'read-only-storage' | 'storage';

export const GROUP0: readonly { name: string; kind: BindingKind }[] = [
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
export const GROUP1: Record<KernelName, readonly { name: string; kind: BindingKind }[]> = {
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

export function entry(binding: number, kind: BindingKind): GPUBindGroupLayoutEntry {
  const visibility = GPUShaderStage.COMPUTE;
  if (kind === 'uniform-dynamic') return { binding, visibility, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: STEP_STRIDE } };
  return { binding, visibility, buffer: { type: kind } };
}

export function createLayouts(device: GPUDevice): { group0: GPUBindGroupLayout; group1: Map<KernelName, GPUBindGroupLayout> } {
  const group0 = device.createBindGroupLayout({ label: 'group0:network', entries: GROUP0.map((b, i) => entry(i, b.kind)) });
  const group1 = new Map<KernelName, GPUBindGroupLayout>();
  for (const [k, bindings] of Object.entries(GROUP1) as [KernelName, readonly { kind: BindingKind }[]][]) {
    if (bindings.length) group1.set(k, device.createBindGroupLayout({ label: `group1:${k}`, entries: bindings.map((b, i) => entry(i, b.kind)) }));
  }
  return { group0, group1 };
}
