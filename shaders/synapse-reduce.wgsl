// synapse-reduce: sums the SPLIT K-slice partials of synapse-dense-tiled in slice order (deterministic)
// and runs the projection's epilogue. One invocation = one (row i, instance b).
// Bindings: group 0; group 1 = (unused weights slot), partials.
//!splice constants
//!splice lib

@group(1) @binding(1) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= POST_N * BATCH) { return; }
  let b = flat / POST_N;
  let i = flat % POST_N;
  var v = 0.0;
  for (var s = 0u; s < SPLIT; s++) { v += partials[(s * BATCH + b) * POST_N + i]; }
  epilogue(b, i, proj_gain(b) * v);
}
