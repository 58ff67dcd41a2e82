// plastic-trace: this step's spikes bump the STDP traces of one plastic projection. Traces are lazy: per
// (instance, neuron) two words, the trace value just after its last spike (f32 bits) and that step; the
// value at step t is value * table[t - last] (table in pconst, 0 past its end). A spike sets the value to
// (value at t) + 1 and last = t. Presynaptic traces (decay tauPlus) come first in tr, then postsynaptic
// ones (tauMinus). Each neuron is in its population's spike list at most once per instance, so each
// trace is written by one invocation.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = pconst (engine/plan/spiking-plasticity.ts:
// plasticConstants), tr.
//!splice constants
//!splice lib

fn bump(base: u32, table_off: u32, table_len: u32, step: u32) {
  tr[base] = bitcast<u32>(trace_at(base, table_off, table_len, step) + 1.0);
  tr[base + 1u] = step;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let step = step_info.step;
  let parity = step % 2u;
  let g = gid.x + gid.y * nwg.x * 64u;
  if (g < atomicLoad(&spike_count[PRE_POP * 2u + parity])) {
    let e = spikes[PRE_SPIKE_BASE + parity * BATCH * PRE_N + g];  // b * PRE_N + j
    bump(2u * e, TP_OFF, TP_LEN, step);
  }
  if (g < atomicLoad(&spike_count[POST_POP * 2u + parity])) {
    let e = spikes[POST_SPIKE_BASE + parity * BATCH * POST_N + g];  // b * POST_N + i
    bump(2u * (BATCH * PRE_N + e), TM_OFF, TM_LEN, step);
  }
}
