// synapse-dense-gemm: y_bi = gain_b * sum_j W_ij r_bj for a dense projection and a batch of 16 or more,
// as a register-tiled GEMM (post x pre) . (pre x batch). A workgroup of TX x TY invocations owns
// TI = TX * RT rows x TB = TY * IT instances of K-slice wid.z; invocation (tx = lid % TX, ty = lid / TX)
// accumulates an RT x IT register tile: rows 4 TX m + 4 tx + c (m < RT / 4, c < 4) and instances
// 4 TY n + 4 ty + 0..3 (n < IT / 4), in named vec4 accumulators (engine/codegen/rate-gemm.ts generates the
// declarations, the per-k outer product and the finish, unrolled). Workgroup tiles of TK presynaptic
// columns are stored k-major (a row of TI weights, then of TB rates, per column; 4 floats of padding
// so that the transposed stores do not collide in banks), double-buffered: the global loads of tile
// t + 1 go to registers before the arithmetic on tile t and are stored into the other buffer after it,
// one barrier per tile. Each output adds its products in increasing column order within the slice; with
// SPLIT > 1 the slices write partial sums that synapse-reduce adds in slice order (deterministic).
// Bindings: group 0; group 1 = W rows ROW0 .. ROW0 + PART_ROWS (padded to PRE4 vec4s), partials.
//!splice constants
//!splice lib

const TI = TX * RT;                   // rows per workgroup
const TB = TY * IT;                   // instances per workgroup
const THREADS = TX * TY;
const AS4 = TI / 4u + 1u;             // vec4s per column of the weight tile (one of padding)
const BS4 = TB / 4u + 1u;             // vec4s per column of the rate tile
const W_VEC4S = TI * TK / 4u;         // weight vec4s per tile
const R_FLOATS = TB * TK;             // rates per tile
const WLOADS = (W_VEC4S + THREADS - 1u) / THREADS;
const RLOADS = (R_FLOATS + THREADS - 1u) / THREADS;

var<workgroup> wt: array<vec4<f32>, 2u * TK * AS4>;  // [buffer][k][row / 4]
var<workgroup> rt: array<vec4<f32>, 2u * TK * BS4>;  // [buffer][k][instance / 4]

var<private> wreg: array<vec4<f32>, WLOADS>;
var<private> rreg: array<f32, RLOADS>;

// Tile loads into registers, coalesced along the presynaptic index: weight vec4 e is (row e / (TK / 4),
// column quad e % (TK / 4)), rate e is (instance e / TK, column e % TK). Zero outside the matrix or slice.
fn load_tile(i0: u32, b0: u32, k0: u32, k_end: u32, lid: u32) {
  for (var q = 0u; q < WLOADS; q++) {
    let e = lid + q * THREADS;
    let gi = i0 + e / (TK / 4u);
    let gk4 = k0 / 4u + e % (TK / 4u);
    var w = vec4<f32>(0.0);
    if (e < W_VEC4S && gi < PART_ROWS && gk4 * 4u < k_end) { w = weights[gi * PRE4 + gk4]; }
    wreg[q] = w;
  }
  for (var q = 0u; q < RLOADS; q++) {
    let e = lid + q * THREADS;
    let gb = b0 + e / TK;
    let gk = k0 + e % TK;
    var v = 0.0;
    if (e < R_FLOATS && gb < BATCH && gk < PRE_N && gk < k_end) { v = rate_in[PRE_BASE + gb * PRE_N + gk]; }
    rreg[q] = v;
  }
}

// The registers into buffer `buf`, transposed to k-major.
fn store_tile(buf: u32, lid: u32) {
  for (var q = 0u; q < WLOADS; q++) {
    let e = lid + q * THREADS;
    if (e < W_VEC4S) {
      let row = e / (TK / 4u);
      let k = (e % (TK / 4u)) * 4u;
      let base = buf * TK * AS4 + row / 4u;
      let w = wreg[q];
      wt[base + k * AS4][row % 4u] = w.x;
      wt[base + (k + 1u) * AS4][row % 4u] = w.y;
      wt[base + (k + 2u) * AS4][row % 4u] = w.z;
      wt[base + (k + 3u) * AS4][row % 4u] = w.w;
    }
  }
  for (var q = 0u; q < RLOADS; q++) {
    let e = lid + q * THREADS;
    if (e < R_FLOATS) {
      let b = e / TK;
      rt[buf * TK * BS4 + (e % TK) * BS4 + b / 4u][b % 4u] = rreg[q];
    }
  }
}

@compute @workgroup_size(THREADS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i0 = wid.x * TI;
  let b0 = wid.y * TB;
  let tx = lid % TX;
  let ty = lid / TX;
  let k_begin = wid.z * K_SLICE;
  let k_end = min(k_begin + K_SLICE, PRE4 * 4u);
//!splice gemm-accumulators

  load_tile(i0, b0, k_begin, k_end, lid);
  store_tile(0u, lid);
  workgroupBarrier();
  var buf = 0u;
  for (var k0 = k_begin; k0 < k_end; k0 += TK) {
    let more = k0 + TK < k_end;
    if (more) { load_tile(i0, b0, k0 + TK, k_end, lid); }
    for (var kk = 0u; kk < TK; kk++) {
      let wk = (buf * TK + kk) * AS4 + tx;
      let rk = (buf * TK + kk) * BS4 + ty;
//!splice gemm-step
    }
    if (more) { store_tile(1u - buf, lid); }
    workgroupBarrier();
    buf = 1u - buf;
  }

  let row = i0 + 4u * tx;
  let b = b0 + 4u * ty;
//!splice gemm-finish
}

// Instances b .. b + 3 of one row: a partial sum (split K) or the projection's epilogue.
fn finish4(row: u32, b: u32, slice: u32, v: vec4<f32>) {
  if (row >= PART_ROWS) { return; }
  for (var c = 0u; c < 4u; c++) {
    let bc = b + c;
    if (bc < BATCH) {
      if (SPLIT > 1u) {
        partials[(slice * BATCH + bc) * POST_N + ROW0 + row] = v[c];
      } else {
        epilogue(bc, ROW0 + row, proj_gain(bc) * v[c]);
      }
    }
  }
}
