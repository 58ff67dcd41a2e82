// synapse-dense: y_bi = gain_b * sum_j W_ij r_bj for a dense projection, for small batches (BATCH <= 8).
// Streams W once per step for all instances. Thread mapping: a workgroup of WG threads takes ROWS
// postsynaptic rows; TPR = WG / ROWS threads share one row (lib/dense-row.wgsl); their partial sums meet
// in a fixed-order tree in workgroup memory (deterministic). synapse-dense-subgroup is the same kernel
// with a subgroup reduction, used where the adapter has subgroups.
// Bindings: group 0; group 1 = W rows ROW0 .. ROW0 + PART_ROWS (a projection too large for one binding
// is split into row blocks, one dispatch each), padded to PRE4 vec4s with zeros.
// The epilogue either stores/accumulates y into syn or, for a population's last projection, finishes the
// step (update_unit).
//!splice constants
//!splice lib

var<workgroup> partial: array<f32, WG * BATCH>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let lane = lid % TPR;
  let row = (wid.x + wid.y * nwg.x) * ROWS + lid / TPR;
  let acc = row_partial(row, lane);
  for (var b = 0u; b < BATCH; b++) { partial[b * WG + lid] = acc[b]; }
  workgroupBarrier();
  for (var s = TPR / 2u; s > 0u; s = s / 2u) {
    if (lane < s) {
      for (var b = 0u; b < BATCH; b++) { partial[b * WG + lid] += partial[b * WG + lid + s]; }
    }
    workgroupBarrier();
  }
  if (row < PART_ROWS && lane == 0u) {
    for (var b = 0u; b < BATCH; b++) {
      epilogue(b, ROW0 + row, proj_gain(b) * partial[b * WG + lid]);
    }
  }
}
