// synapse-dense-plastic: y_bi = gain_b * sum_j W_b,ij r_bj for a plastic projection, whose weights are
// per instance (B x POST_N x PRE_N, row-major, unpadded). Thread mapping: a workgroup of WG threads takes
// ROWS rows (b, i) (flat row index b * POST_N + i); the TPR = WG / ROWS threads of a row take columns
// j = lane, lane + TPR, ... and their partial sums meet in a fixed-order tree in workgroup memory, so
// the result is deterministic and an instance's sum does not depend on the batch size.
// Bindings: group 0; group 1 = weights (read by this kernel, written by plasticity).
// The epilogue stores/accumulates y into syn or finishes the population's step (update_unit).
//!splice constants
//!splice lib

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let lane = lid % TPR;
  let row = (wid.x + wid.y * nwg.x) * ROWS + lid / TPR;
  let b = row / POST_N;
  var acc = 0.0;
  if (row < BATCH * POST_N) {
    let w0 = row * PRE_N;
    let r0 = PRE_BASE + b * PRE_N;
    for (var j = lane; j < PRE_N; j += TPR) { acc += weights[w0 + j] * rate_in[r0 + j]; }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = TPR / 2u; s > 0u; s = s / 2u) {
    if (lane < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  if (row < BATCH * POST_N && lane == 0u) {
    epilogue(b, row % POST_N, proj_gain(b) * partial[lid]);
  }
}
