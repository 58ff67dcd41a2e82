// synapse-dense-tiled: y_bi = gain_b * sum_j W_ij r_bj for a dense projection and a large batch: a
// GEMM (post x pre) . (pre x batch). Register prefetch of the next K-tile (global loads overlap the
// arithmetic) and row-major, padded workgroup tiles (conflict-free vec4 reads); on an H100 this beat a
// k-major variant without prefetch by 4-27 % (bench/RESULTS.md). Thread mapping: 128 threads own 128 rows x 64 instances of
// K-slice wid.z; thread (ti = lid % 16, tb = lid / 16) accumulates rows ti + 16 m and instances tb + 8 n
// (m, n = 0..7). With SPLIT > 1 the slices write partial sums that synapse-reduce finishes in order.
// Bindings: group 0; group 1 = W rows ROW0 .. ROW0 + PART_ROWS (padded to PRE4 vec4s), partials.
//!splice constants
//!splice lib

const TI = 128u;
const TB = 64u;
const TK = TILE_K;               // presynaptic columns per tile (generated: 16 or 32)
const STRIDE = TK / 4u + 1u;     // vec4s per tile row, one of padding (conflict-free reads)
const WLOADS = TI * TK / 512u;   // W vec4s each of the 128 threads loads per tile
const RLOADS = TB * TK / 128u;   // rates each thread loads per tile

var<workgroup> ws: array<vec4<f32>, TI * STRIDE>;  // [row][k/4]
var<workgroup> rs: array<vec4<f32>, TB * STRIDE>;  // [instance][k/4]

var<private> wreg: array<vec4<f32>, WLOADS>;
var<private> rreg: array<f32, RLOADS>;

fn load_tile(i0: u32, b0: u32, k0: u32, k_end: u32, lid: u32) {
  for (var q = 0u; q < WLOADS; q++) {
    let e = lid + q * 128u;
    let gi = i0 + e / (TK / 4u);
    let gk4 = k0 / 4u + e % (TK / 4u);
    var w = vec4<f32>(0.0);
    if (gi < PART_ROWS && gk4 * 4u < k_end) { w = weights[gi * PRE4 + gk4]; }
    wreg[q] = w;
  }
  for (var q = 0u; q < RLOADS; q++) {
    let e = lid + q * 128u;
    let gb = b0 + e / TK;
    let gk = k0 + e % TK;
    var v = 0.0;
    if (gb < BATCH && gk < PRE_N && gk < k_end) { v = rate_in[PRE_BASE + gb * PRE_N + gk]; }
    rreg[q] = v;
  }
}

fn store_tile(lid: u32) {
  for (var q = 0u; q < WLOADS; q++) {
    let e = lid + q * 128u;
    ws[(e / (TK / 4u)) * STRIDE + e % (TK / 4u)] = wreg[q];
  }
  for (var q = 0u; q < RLOADS; q++) {
    let e = lid + q * 128u;
    let kk = e % TK;
    rs[(e / TK) * STRIDE + kk / 4u][kk % 4u] = rreg[q];
  }
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i0 = wid.x * TI;
  let b0 = wid.y * TB;
  let ti = lid % 16u;
  let tb = lid / 16u;
  let k_begin = wid.z * K_SLICE;
  let k_end = min(k_begin + K_SLICE, PRE4 * 4u);
  // acc{m}l = row ti + 16 m, instances tb + 8 n for n = 0..3; acc{m}h for n = 4..7.
  var acc0l = vec4<f32>(0.0); var acc0h = vec4<f32>(0.0); var acc1l = vec4<f32>(0.0); var acc1h = vec4<f32>(0.0);
  var acc2l = vec4<f32>(0.0); var acc2h = vec4<f32>(0.0); var acc3l = vec4<f32>(0.0); var acc3h = vec4<f32>(0.0);
  var acc4l = vec4<f32>(0.0); var acc4h = vec4<f32>(0.0); var acc5l = vec4<f32>(0.0); var acc5h = vec4<f32>(0.0);
  var acc6l = vec4<f32>(0.0); var acc6h = vec4<f32>(0.0); var acc7l = vec4<f32>(0.0); var acc7h = vec4<f32>(0.0);

  load_tile(i0, b0, k_begin, k_end, lid);
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    store_tile(lid);
    workgroupBarrier();
    if (k0 + TK < k_end) { load_tile(i0, b0, k0 + TK, k_end, lid); }
    for (var kq = 0u; kq < TK / 4u; kq++) {
      let r0 = rs[tb * STRIDE + kq]; let r1 = rs[(tb + 8u) * STRIDE + kq];
      let r2 = rs[(tb + 16u) * STRIDE + kq]; let r3 = rs[(tb + 24u) * STRIDE + kq];
      let r4 = rs[(tb + 32u) * STRIDE + kq]; let r5 = rs[(tb + 40u) * STRIDE + kq];
      let r6 = rs[(tb + 48u) * STRIDE + kq]; let r7 = rs[(tb + 56u) * STRIDE + kq];
      var a = ws[ti * STRIDE + kq];
      acc0l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc0h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 16u) * STRIDE + kq];
      acc1l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc1h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 32u) * STRIDE + kq];
      acc2l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc2h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 48u) * STRIDE + kq];
      acc3l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc3h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 64u) * STRIDE + kq];
      acc4l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc4h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 80u) * STRIDE + kq];
      acc5l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc5h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 96u) * STRIDE + kq];
      acc6l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc6h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
      a = ws[(ti + 112u) * STRIDE + kq];
      acc7l += vec4<f32>(dot(a, r0), dot(a, r1), dot(a, r2), dot(a, r3)); acc7h += vec4<f32>(dot(a, r4), dot(a, r5), dot(a, r6), dot(a, r7));
    }
    workgroupBarrier();
  }

  let b = b0 + tb;
  finish_row(i0 + ti, b, wid.z, acc0l, acc0h); finish_row(i0 + ti + 16u, b, wid.z, acc1l, acc1h);
  finish_row(i0 + ti + 32u, b, wid.z, acc2l, acc2h); finish_row(i0 + ti + 48u, b, wid.z, acc3l, acc3h);
  finish_row(i0 + ti + 64u, b, wid.z, acc4l, acc4h); finish_row(i0 + ti + 80u, b, wid.z, acc5l, acc5h);
  finish_row(i0 + ti + 96u, b, wid.z, acc6l, acc6h); finish_row(i0 + ti + 112u, b, wid.z, acc7l, acc7h);
}

// Instances b + 8 n (n = 0..7) of one row: a partial sum (split K) or the projection's epilogue.
fn finish_row(row: u32, b: u32, slice: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (row >= PART_ROWS) { return; }
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var n = 0u; n < 8u; n++) {
    let bn = b + 8u * n;
    if (bn < BATCH) {
      if (SPLIT > 1u) {
        partials[(slice * BATCH + bn) * POST_N + ROW0 + row] = v[n];
      } else {
        epilogue(bn, ROW0 + row, proj_gain(bn) * v[n]);
      }
    }
  }
}
