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

const FLAT_N = BATCH * S;
//!splice main
  let g = flat;
  let step = step_info.step;
  let b = g / S;
  let wi = g;
  //!splice synapse
}
