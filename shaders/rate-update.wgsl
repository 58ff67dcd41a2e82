// rate-update: finishes a population's step from the accumulated synaptic input (or none).
// One invocation = one (unit i, instance b) of the population. Bindings: group 0 only.
//!splice constants
//!splice lib

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  if (flat >= UNIT_N * BATCH) { return; }
  let b = flat / UNIT_N;
  let i = flat % UNIT_N;
  var rec = 0.0;
  if (HAS_SYN) { rec = syn[UNIT_BASE + b * UNIT_N + i]; }
  update_unit(b, i, rec);
}
