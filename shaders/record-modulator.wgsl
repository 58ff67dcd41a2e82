// record-modulator: one modulator's value for this step, per instance, into a GPU ring buffer row:
// rec_ring[slot * BATCH + b] = modulators[b * MOD_K + MOD]. One invocation = one instance.
// Bindings: group 0; group 1 = rec_ring.
//!splice constants
//!splice lib

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= BATCH) { return; }
  rec_ring[step_info.slots[REC / 4u][REC % 4u] * BATCH + b] = modulators[b * MOD_K + MOD];
}
