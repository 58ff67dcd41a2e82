// record-mean: the mean over chosen units of one population, per instance, into a GPU ring buffer:
// rec_ring[slot * BATCH + b]. One workgroup = one instance; a fixed-order tree sum (deterministic).
// Bindings: group 0; group 1 = units, rec_ring.
//!splice constants
//!splice lib

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  var acc = 0.0;
  for (var m = lid; m < M; m += 256u) {
    let g = UNIT_BASE + b * UNIT_N + units[m];
    if (RECORD_STATE) { acc += state[g]; } else { acc += rate_out[g]; }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { rec_ring[step_info.slots[REC / 4u][REC % 4u] * BATCH + b] = partial[0] / f32(M); }
}
