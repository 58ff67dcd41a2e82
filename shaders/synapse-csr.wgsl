// synapse-csr: y_bi = gain_b * sum_{k in row i} val_k r_{b, col_k} for a sparse (CSR) projection.
// One invocation = one (postsynaptic row i, instance b); the row is summed in stored order
// (deterministic). Bindings: group 0; group 1 = rowPtr, colIdx, values.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> row_ptr: array<u32>;
@group(1) @binding(1) var<storage, read> col_idx: array<u32>;
@group(1) @binding(2) var<storage, read> values: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= POST_N * BATCH) { return; }
  let b = flat / POST_N;
  let i = flat % POST_N;
  var acc = 0.0;
  for (var k = row_ptr[i]; k < row_ptr[i + 1u]; k++) {
    acc += values[k] * rate_in[PRE_BASE + b * PRE_N + col_idx[k]];
  }
  epilogue(b, i, proj_gain(b) * acc);
}
