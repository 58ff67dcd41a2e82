// synapse-dense: y_bi = gain_b * sum_j W_ij r_bj for a dense projection, for small batches (BATCH <= 8).
// Streams W once per step for all instances. Thread mapping: a workgroup of WG threads takes ROWS
// postsynaptic rows; TPR = WG / ROWS threads share one row, each reading vec4 columns k = lane + TPR*m;
// partial sums meet in a fixed-order tree (deterministic). Bindings: group 0; group 1 = W (post x pre,
// rows padded to PRE4 vec4s with zeros).
// The epilogue either stores/accumulates y into syn or, for a population's last projection, finishes the
// step (update_unit).
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> weights: array<vec4<f32>>;

var<workgroup> partial: array<f32, WG * BATCH>;

fn pre_rate(b: u32, j: u32) -> f32 {
  if (PADDED) { if (j >= PRE_N) { return 0.0; } }
  return rate_in[PRE_BASE + b * PRE_N + j];
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let lane = lid % TPR;
  let row = (wid.x + wid.y * nwg.x) * ROWS + lid / TPR;
  var acc: array<f32, BATCH>;
  if (row < POST_N) {
    for (var m = 0u; m < ITERS; m++) {
      let k = lane + m * TPR;
      if (k < PRE4) {
        let w = weights[row * PRE4 + k];
        let j = 4u * k;
        for (var b = 0u; b < BATCH; b++) {
          let r = vec4<f32>(pre_rate(b, j), pre_rate(b, j + 1u), pre_rate(b, j + 2u), pre_rate(b, j + 3u));
          acc[b] += dot(w, r);
        }
      }
    }
  }
  for (var b = 0u; b < BATCH; b++) { partial[b * WG + lid] = acc[b]; }
  workgroupBarrier();
  for (var s = TPR / 2u; s > 0u; s = s / 2u) {
    if (lane < s) {
      for (var b = 0u; b < BATCH; b++) { partial[b * WG + lid] += partial[b * WG + lid + s]; }
    }
    workgroupBarrier();
  }
  if (row < POST_N && lane < BATCH) {
    let b = lane;
    epilogue(b, row, inst_table[b * INST_K + GAIN_PARAM] * partial[b * WG + lid - lane]);
  }
}
