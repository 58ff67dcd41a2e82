// record-state: copies one state variable of chosen neurons (every instance) into a GPU ring buffer row:
// ring[(slot * BATCH + b) * M + m] = state[STATE_BASE + (VAR * BATCH + b) * N + units[m]].
// One invocation = one (recorded neuron m, instance b). Bindings: group 0 = lib/spiking-bindings.wgsl;
// group 1 = units, ring.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> units: array<u32>;
@group(1) @binding(1) var<storage, read_write> rec_ring: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= M * BATCH) { return; }
  let b = flat / M;
  let m = flat % M;
  rec_ring[(step_info.slots[REC / 4u][REC % 4u] * BATCH + b) * M + m] = state[STATE_BASE + (VAR * BATCH + b) * N + units[m]];
}
