// synapse-dense-rows: y_bi = gain_b * sum_j W_ij r_bj for a dense projection and a small batch
// (BATCH <= 8), shaped for CPU adapters. On lavapipe (llvmpipe, Mesa 25.0) an invocation is one lane of
// a SIMD vector and every load whose address differs between lanes becomes one scalar load per lane and
// component, with a branch for the lane's mask and one for the bounds: the loads, not the multiply-adds,
// are the cost. So one invocation takes RPI consecutive postsynaptic rows, and r(n) of every instance
// is staged once per workgroup in workgroup memory as vec4s (STAGE; else each vec4 is read from rate_in
// as four floats), so one vec4 of r serves RPI rows.
// Each row is summed in column order as vec4 dots, the order of synapse-dense at one thread per row
// (lib/dense-row.wgsl at TPR = 1), padding columns read 0.
// Thread mapping: invocation v of the dispatch = rows RPI*v .. RPI*v + RPI - 1 of this part of W.
// Bindings: group 0; group 1 = W rows ROW0 .. ROW0 + PART_ROWS (row blocks as in synapse-dense),
// padded to PRE4 vec4s with zeros. The generated row_block (engine/codegen/dense-rows.ts) holds the
// RPI x BATCH sums, unrolled, and the epilogues (store/accumulate into syn, or update_unit).
//!splice constants
//!splice lib

var<workgroup> r_stage: array<vec4<f32>, STAGE_LEN>;

// r_b[4k .. 4k+3].
fn rates4(b: u32, k: u32) -> vec4<f32> {
  if (STAGE) { return r_stage[b * PRE4 + k]; }
  let j = 4u * k;
  return vec4<f32>(pre_rate(b, j), pre_rate(b, j + 1u), pre_rate(b, j + 2u), pre_rate(b, j + 3u));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  if (STAGE) {
    for (var q = lid; q < BATCH * PRE4; q += WG) {
      let j = 4u * (q % PRE4);
      let b = q / PRE4;
      r_stage[q] = vec4<f32>(pre_rate(b, j), pre_rate(b, j + 1u), pre_rate(b, j + 2u), pre_rate(b, j + 3u));
    }
    workgroupBarrier();
  }
  row_block(((wid.x + wid.y * nwg.x) * WG + lid) * RPI);
}
