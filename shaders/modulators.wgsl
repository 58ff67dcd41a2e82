// modulators: every modulator's value for this step, before the projections read it. One workgroup =
// one instance b (256 threads). The generated update_modulators(b, lid) has one block per modulator:
//   schedule: value = baseline + amplitude_b * course(step)                       (thread 0)
//   activity: R = sum_i profile_i r_bi over the population's rates at the start of the step (rate_in):
//             thread t sums i = t, t + 256, ... in order, then a fixed-order tree (workgroup_sum);
//             value = offset + scale * (R - p), p <- p + alpha * (R - p)           (thread 0)
//   host:     nothing (the host writes the value between runs).
// Deterministic; an instance's values do not depend on the batch size.
// Bindings: group 0; group 1 = mod_params (MOD_WORDS floats per modulator: schedule [baseline];
// activity [offset, scale, alpha = dt / tauBaseline or 0]).
//!splice constants
//!splice lib

var<workgroup> partial: array<f32, 256>;

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  update_modulators(wid.x, lid);
}
