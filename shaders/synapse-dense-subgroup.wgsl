// synapse-dense-subgroup: synapse-dense with the row reduction done by subgroupAdd (one workgroup
// barrier instead of log2(TPR)). Used when the adapter has subgroups no wider than TPR, so that each
// subgroup lies within one row (subgroups are consecutive local invocation indices on the GPUs we run).
// The per-row sum over subgroups runs in subgroup order (deterministic on a given device).
// Bindings: group 0; group 1 = W (post x pre, rows padded to PRE4 vec4s with zeros).
enable subgroups;
//!splice constants
//!splice lib

var<workgroup> partial: array<f32, WG * BATCH>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) sg_lane: u32,
        @builtin(subgroup_size) sg_size: u32) {
  let lane = lid % TPR;
  let row = (wid.x + wid.y * nwg.x) * ROWS + lid / TPR;
  let acc = row_partial(row, lane);
  for (var b = 0u; b < BATCH; b++) {
    let s = subgroupAdd(acc[b]);
    if (sg_lane == 0u) { partial[b * WG + lid / sg_size] = s; }
  }
  workgroupBarrier();
  if (row < PART_ROWS && lane == 0u) {
    let first = lid / sg_size;
    for (var b = 0u; b < BATCH; b++) {
      var v = 0.0;
      for (var q = 0u; q < TPR / sg_size; q++) { v += partial[b * WG + first + q]; }
      epilogue(b, ROW0 + row, proj_gain(b) * v);
    }
  }
}
