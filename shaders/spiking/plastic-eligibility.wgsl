// plastic-eligibility: the modulated part of one three-factor projection's learning rule (how the
// eligibility turns into weight change), one invocation per (instance b, synapse s); the generated
// `synapse` part loads the synapse's weight, its eligibility at this step (lazy: its value after the
// last change times the decay table at that change's age), the instance's parameters and modulator M,
// runs the code and stores the weight. Runs after plastic-pre and plastic-post of the step, and only in
// steps where some instance's modulator is not zero (the host skips the others).
// Bindings (keep, elig_at: lib/plastic.wgsl; its trace_at is unused here): group 0 =
// lib/spiking-bindings.wgsl; group 1 = pconst, wel, mods, elast.
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> pconst: array<f32>;
@group(1) @binding(1) var<storage, read_write> wel: array<f32>;
@group(1) @binding(2) var<storage, read> mods: array<f32>;
@group(1) @binding(3) var<storage, read> elast: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = gid.x + gid.y * nwg.x * 64u;
  if (g >= BATCH * S) { return; }
  let step = step_info.step;
  let b = g / S;
  let wi = g;
  //!splice synapse
}
