// synapse-dense-tiled: y_bi = gain_b * sum_j W_ij r_bj for a dense projection and a large batch: a
// GEMM (post x pre) . (pre x batch). Thread mapping: a workgroup of 128 threads owns a tile of 128
// postsynaptic rows x 64 instances and K-slice wid.z of the presynaptic index; each thread accumulates
// an 8 x 8 micro-tile (rows ti*8.., instances tb*8..) from workgroup-memory tiles of TK = 16 columns.
// With SPLIT > 1 the K-slices write partial sums to `partials` and synapse-reduce finishes them in a
// fixed order (deterministic); with SPLIT == 1 the epilogue runs here.
// Bindings: group 0; group 1 = W rows ROW0 .. ROW0 + PART_ROWS (padded to PRE4 vec4s), partials.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> weights: array<vec4<f32>>;
@group(1) @binding(1) var<storage, read_write> partials: array<f32>;

const TI = 128u;
const TB = 64u;
const TK = 16u;

var<workgroup> ws: array<vec4<f32>, 512>;  // [k][row/4]: TK x TI floats
var<workgroup> rs: array<vec4<f32>, 256>;  // [k][inst/4]: TK x TB floats

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i0 = wid.x * TI;
  let b0 = wid.y * TB;
  let ti = lid % 16u;   // rows ti*8 .. ti*8+7
  let tb = lid / 16u;   // instances tb*8 .. tb*8+7
  let k_begin = wid.z * K_SLICE;
  let k_end = min(k_begin + K_SLICE, PRE4 * 4u);
  // Accumulators as named registers (no dynamic indexing, so nothing spills to local memory):
  // aM_L / aM_H = row ti*8+M, instances tb*8 + (0..3) / (4..7).
  var a0_l = vec4<f32>(0.0); var a0_h = vec4<f32>(0.0); var a1_l = vec4<f32>(0.0); var a1_h = vec4<f32>(0.0);
  var a2_l = vec4<f32>(0.0); var a2_h = vec4<f32>(0.0); var a3_l = vec4<f32>(0.0); var a3_h = vec4<f32>(0.0);
  var a4_l = vec4<f32>(0.0); var a4_h = vec4<f32>(0.0); var a5_l = vec4<f32>(0.0); var a5_h = vec4<f32>(0.0);
  var a6_l = vec4<f32>(0.0); var a6_h = vec4<f32>(0.0); var a7_l = vec4<f32>(0.0); var a7_h = vec4<f32>(0.0);

  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // W tile: 128 rows x 4 vec4 columns; 4 loads per thread; stored transposed (k-major).
    for (var q = 0u; q < 4u; q++) {
      let e = lid + q * 128u;
      let r = e / 4u;
      let kv = e % 4u;
      let gi = i0 + r;
      let gk4 = k0 / 4u + kv;
      var w = vec4<f32>(0.0);
      if (gi < PART_ROWS && gk4 * 4u < k_end) { w = weights[gi * PRE4 + gk4]; }
      let base = (kv * 4u) * (TI / 4u) + r / 4u;
      let c = r % 4u;
      ws[base][c] = w.x;
      ws[base + TI / 4u][c] = w.y;
      ws[base + 2u * TI / 4u][c] = w.z;
      ws[base + 3u * TI / 4u][c] = w.w;
    }
    // Rate tile: 64 instances x 16 columns; 8 scalar loads per thread.
    for (var q = 0u; q < 8u; q++) {
      let e = lid + q * 128u;
      let bb = e / TK;
      let kk = e % TK;
      let gb = b0 + bb;
      let gk = k0 + kk;
      var v = 0.0;
      if (gb < BATCH && gk < PRE_N && gk < k_end) { v = rate_in[PRE_BASE + gb * PRE_N + gk]; }
      rs[kk * (TB / 4u) + bb / 4u][bb % 4u] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let w0 = ws[kk * (TI / 4u) + ti * 2u];
      let w1 = ws[kk * (TI / 4u) + ti * 2u + 1u];
      let r0 = rs[kk * (TB / 4u) + tb * 2u];
      let r1 = rs[kk * (TB / 4u) + tb * 2u + 1u];
      a0_l = fma(vec4<f32>(w0.x), r0, a0_l); a0_h = fma(vec4<f32>(w0.x), r1, a0_h);
      a1_l = fma(vec4<f32>(w0.y), r0, a1_l); a1_h = fma(vec4<f32>(w0.y), r1, a1_h);
      a2_l = fma(vec4<f32>(w0.z), r0, a2_l); a2_h = fma(vec4<f32>(w0.z), r1, a2_h);
      a3_l = fma(vec4<f32>(w0.w), r0, a3_l); a3_h = fma(vec4<f32>(w0.w), r1, a3_h);
      a4_l = fma(vec4<f32>(w1.x), r0, a4_l); a4_h = fma(vec4<f32>(w1.x), r1, a4_h);
      a5_l = fma(vec4<f32>(w1.y), r0, a5_l); a5_h = fma(vec4<f32>(w1.y), r1, a5_h);
      a6_l = fma(vec4<f32>(w1.z), r0, a6_l); a6_h = fma(vec4<f32>(w1.z), r1, a6_h);
      a7_l = fma(vec4<f32>(w1.w), r0, a7_l); a7_h = fma(vec4<f32>(w1.w), r1, a7_h);
    }
    workgroupBarrier();
  }

  let r = i0 + ti * 8u;
  let b = b0 + tb * 8u;
  finish_row(r, b, wid.z, a0_l, a0_h); finish_row(r + 1u, b, wid.z, a1_l, a1_h);
  finish_row(r + 2u, b, wid.z, a2_l, a2_h); finish_row(r + 3u, b, wid.z, a3_l, a3_h);
  finish_row(r + 4u, b, wid.z, a4_l, a4_h); finish_row(r + 5u, b, wid.z, a5_l, a5_h);
  finish_row(r + 6u, b, wid.z, a6_l, a6_h); finish_row(r + 7u, b, wid.z, a7_l, a7_h);
}

// Eight instances b .. b+7 of one row: a partial sum (split K) or the projection's epilogue.
fn finish_row(row: u32, b: u32, slice: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (row >= PART_ROWS) { return; }
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var n = 0u; n < 8u; n++) {
    let bn = b + n;
    if (bn < BATCH) {
      if (SPLIT > 1u) {
        partials[(slice * BATCH + bn) * POST_N + ROW0 + row] = v[n];
      } else {
        epilogue(bn, ROW0 + row, inst_table[bn * INST_K + GAIN_PARAM] * v[n]);
      }
    }
  }
}
