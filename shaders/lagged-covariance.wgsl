// lagged-covariance: the products of time-lagged activity for the lagged cross-covariance
// (engine/analysis/xcov.ts; host: engine/run/lagged-covariance.ts). For lags lag0 + l, l = 0 .. wg.z,
//   out[(l * N + i) * N + j] += sum_{t = t0 .. min(t1, T - lag) - 1} z[t, i] * z[t + lag, j],
// z the centred activity (rows t, units), of which this binding holds rows zrow0 .. . One invocation per
// output element, 16 x 16 outputs per workgroup; 16 times at a time pass through workgroup memory (the
// rows t of the i-tile and t + lag of the j-tile), zeros beyond the last time, so each output is one
// sequential float32 sum over t (the CPU twin's order: engine/reference/lagged-covariance.ts), added to
// what earlier time chunks left in `out`.
// Bindings: group 0 = params (uniform), z (read-only storage), out (storage).

struct Params {
  n: u32,      // units
  t_end: u32,  // T: rows of the whole recording
  t0: u32,     // this chunk's times [t0, t1)
  t1: u32,
  lag0: u32,   // first lag of this dispatch (wg.z adds to it)
  zrow0: u32,  // row of z[0] in the recording
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = params.n;
  let lag = params.lag0 + wg.z;
  let i = wg.x * 16u + lid.x;
  let j = wg.y * 16u + lid.y;
  var stop = params.t0;
  if (lag < params.t_end) { stop = max(params.t0, min(params.t1, params.t_end - lag)); }
  var acc = 0.0;
  for (var t = params.t0; t < stop; t += 16u) {
    let ta = t + lid.y;
    let ia = wg.x * 16u + lid.x;
    let ja = wg.y * 16u + lid.x;
    var a = 0.0;
    var b = 0.0;
    if (ta < stop && ia < n) { a = z[(ta - params.zrow0) * n + ia]; }
    if (ta < stop && ja < n) { b = z[(ta + lag - params.zrow0) * n + ja]; }
    tile_a[lid.y][lid.x] = a;
    tile_b[lid.y][lid.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) { acc += tile_a[k][lid.x] * tile_b[k][lid.y]; }
    workgroupBarrier();
  }
  if (i < n && j < n) {
    let o = (wg.z * n + i) * n + j;
    out[o] = out[o] + acc;
  }
}
