// record-weights: copies a plastic projection's weights (B x post x pre, after this step's update) into
// a GPU ring buffer row: ring[slot * TOTAL + e] = weights[e]. One invocation = one weight.
// Bindings: group 0; group 1 = weights, ring.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> weights: array<f32>;
@group(1) @binding(1) var<storage, read_write> ring: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= TOTAL) { return; }
  ring[step_info.slots[REC / 4u][REC % 4u] * TOTAL + flat] = weights[flat];
}
