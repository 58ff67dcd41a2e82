// synapse-dense-tiled: y_bi = gain_b * sum_j W_ij r_bj for a dense projection and a large batch: a
// GEMM (post x pre) . (pre x batch). Thread mapping: a workgroup of 128 threads owns a tile of 128
// postsynaptic rows x 64 instances and K-slice wid.z of the presynaptic index; each thread accumulates
// an 8 x 8 micro-tile (rows ti*8.., instances tb*8..) from workgroup-memory tiles of TK = 16 columns.
// With SPLIT > 1 the K-slices write partial sums to `partials` and synapse-reduce finishes them in a
// fixed order (deterministic); with SPLIT == 1 the epilogue runs here.
// Bindings: group 0; group 1 = W (post x pre, rows padded to PRE4 vec4s), partials.
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
  var acc: array<vec4<f32>, 16>;  // acc[m*2 + h]: row m, instances h*4 .. h*4+3

  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    // W tile: 128 rows x 4 vec4 columns; 4 loads per thread; stored transposed (k-major).
    for (var q = 0u; q < 4u; q++) {
      let e = lid + q * 128u;
      let r = e / 4u;
      let kv = e % 4u;
      let gi = i0 + r;
      let gk4 = k0 / 4u + kv;
      var w = vec4<f32>(0.0);
      if (gi < POST_N && gk4 * 4u < k_end) { w = weights[gi * PRE4 + gk4]; }
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
      let a0 = ws[kk * (TI / 4u) + ti * 2u];
      let a1 = ws[kk * (TI / 4u) + ti * 2u + 1u];
      let r0 = rs[kk * (TB / 4u) + tb * 2u];
      let r1 = rs[kk * (TB / 4u) + tb * 2u + 1u];
      let a = array<f32, 8>(a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w);
      for (var m = 0u; m < 8u; m++) {
        acc[m * 2u] = fma(vec4<f32>(a[m]), r0, acc[m * 2u]);
        acc[m * 2u + 1u] = fma(vec4<f32>(a[m]), r1, acc[m * 2u + 1u]);
      }
    }
    workgroupBarrier();
  }

  for (var m = 0u; m < 8u; m++) {
    let row = i0 + ti * 8u + m;
    for (var n = 0u; n < 8u; n++) {
      let b = b0 + tb * 8u + n;
      if (row < POST_N && b < BATCH) {
        let v = acc[m * 2u + n / 4u][n % 4u];
        if (SPLIT > 1u) {
          partials[(wid.z * BATCH + b) * POST_N + row] = v;
        } else {
          epilogue(b, row, inst_table[b * INST_K + GAIN_PARAM] * v);
        }
      }
    }
  }
}
