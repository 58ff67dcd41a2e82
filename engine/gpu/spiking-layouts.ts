/**
 * Bind-group layouts of the spiking kernels, declared once (checked against the WGSL by
 * test/unit/layout.test.ts with wgsl_reflect).
 */
import type { BindingKind } from './layouts.ts';

export const SPIKING_GROUP0: readonly { name: string; kind: BindingKind }[] = [
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

export const SPIKING_GROUP1: Record<SpikingKernel, readonly { name: string; kind: BindingKind }[]> = {
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
