// rate-fused: every step of a chunk of one instance in one workgroup (workgroup b = instance b), one
// dispatch per chunk (engine/plan/rate-path.ts says which networks take this path: one population, dense
// static projections). Per step n: r(n) is copied to workgroup memory; each invocation takes units i = lid, lid + WG, ...: the summed
// projections gain_b * W r(n) (the generated `synaptic`: one row of each dense W in the multi-dispatch
// kernels' column order), then update_unit (lib/rate-unit.wgsl, the same unit code as rate-update and the
// projections' epilogues) writes x(n+1) and r(n+1); storage and workgroup barriers end the step.
// r(n) is in rate_in for even steps of the chunk and in rate_out for odd ones (the parity bind group is
// the chunk's first step's), and r(n+1) goes to the other, as the multi-dispatch path's buffers alternate.
// StepInfo is the chunk's first step's; `count` is the chunk's steps.
// Bindings: group 0 = lib/bindings.wgsl with rate_in writable; group 1 = weights_k per projection.
//!splice constants
//!splice lib

// r(n) of the instance (copied from the rate buffer of the step's parity at the start of each step).
var<workgroup> r_now: array<f32, UNIT_N>;
var<private> fused_step: u32;
var<private> fused_odd: bool;

fn this_step() -> u32 { return fused_step; }

fn put_rate(g: u32, r: f32) {
  if (fused_odd) { rate_in[g] = r; } else { rate_out[g] = r; }
}


@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  for (var s = 0u; s < step_info.count; s++) {
    fused_step = step_info.step + s;
    fused_odd = (s & 1u) == 1u;
    let at = UNIT_BASE + b * UNIT_N;
    for (var j = lid; j < UNIT_N; j += WG) { r_now[j] = select(rate_in[at + j], rate_out[at + j], fused_odd); }
    workgroupBarrier();
    for (var i = lid; i < UNIT_N; i += WG) { update_unit(b, i, synaptic(b, i)); }
    storageBarrier();
    workgroupBarrier();
  }
}
