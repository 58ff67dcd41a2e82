// rate-fused: every step of a chunk of one instance in one workgroup (workgroup b = instance b), one
// dispatch per chunk (engine/plan/rate-path.ts says which networks take this path: one population, dense
// static projections). Per step n: r(n) is copied to workgroup memory as vec4s (zeros past UNIT_N); each
// invocation takes RPI consecutive units per pass, i0 = RPI * (lid + WG * pass): the generated row_block
// sums every projection's rows i0 .. i0 + RPI - 1 (gain_b * W r(n): vec4 dots in the multi-dispatch
// kernels' column order, projections added in their order) and runs update_unit (lib/rate-unit.wgsl,
// the same unit code as rate-update and the projections' epilogues) for each, which writes x(n+1) and
// r(n+1); storage and workgroup barriers end the step. Several rows per invocation and vec4 rates: on a
// CPU adapter every load is per lane (shaders/synapse-dense-rows.wgsl), so one vec4 of r serves RPI rows.
// r(n) is in rate_in for even steps of the chunk and in rate_out for odd ones (the parity bind group is
// the chunk's first step's), and r(n+1) goes to the other, as the multi-dispatch path's buffers alternate.
// StepInfo is the chunk's first step's; `count` is the chunk's steps.
// Bindings: group 0 = lib/bindings.wgsl with rate_in writable; group 1 = weights_k per projection.
//!splice constants
//!splice lib

// r(n) of the instance as vec4s (copied from the rate buffer of the step's parity at the start of each step).
var<workgroup> r_now: array<vec4<f32>, UNIT4>;
var<private> fused_step: u32;
var<private> fused_odd: bool;

fn this_step() -> u32 { return fused_step; }

fn put_rate(g: u32, r: f32) {
  if (fused_odd) { rate_in[g] = r; } else { rate_out[g] = r; }
}

// r_j(n) of instance b, 0 past the population.
fn rate_now(b: u32, j: u32) -> f32 {
  if (j >= UNIT_N) { return 0.0; }
  let g = UNIT_BASE + b * UNIT_N + j;
  return select(rate_in[g], rate_out[g], fused_odd);
}


@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  for (var s = 0u; s < step_info.count; s++) {
    fused_step = step_info.step + s;
    fused_odd = (s & 1u) == 1u;
    for (var q = lid; q < UNIT4; q += WG) {
      r_now[q] = vec4<f32>(rate_now(b, 4u * q), rate_now(b, 4u * q + 1u), rate_now(b, 4u * q + 2u), rate_now(b, 4u * q + 3u));
    }
    workgroupBarrier();
    for (var i0 = lid * RPI; i0 < UNIT_N; i0 += WG * RPI) { row_block(b, i0); }
    storageBarrier();
    workgroupBarrier();
  }
}
