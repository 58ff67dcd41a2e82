// record-gather: copies chosen units of one population (rates or states, every instance) into a GPU
// ring buffer row: ring[(slot * BATCH + b) * M + m] = src[UNIT_BASE + b * UNIT_N + units[m]].
// One invocation = one (recorded unit m, instance b). Bindings: group 0; group 1 = units, ring.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> units: array<u32>;
@group(1) @binding(1) var<storage, read_write> ring: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= M * BATCH) { return; }
  let b = flat / M;
  let m = flat % M;
  let g = UNIT_BASE + b * UNIT_N + units[m];
  var v: f32;
  if (RECORD_STATE) { v = state[g]; } else { v = rate_out[g]; }
  ring[(step_info.slots[REC / 4u][REC % 4u] * BATCH + b) * M + m] = v;
}
