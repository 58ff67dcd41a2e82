// record-modulator: one modulator's value for this step, per instance, into a GPU ring buffer row:
// ring[slot * BATCH + b] = modulators[b * MOD_K + MOD]. One invocation = one instance.
// Bindings: group 0; group 1 = ring.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read_write> ring: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= BATCH) { return; }
  ring[step_info.slots[REC / 4u][REC % 4u] * BATCH + b] = modulators[b * MOD_K + MOD];
}
