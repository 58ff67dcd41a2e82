// plastic-eligibility: the modulated part of the three-factor learning rules of a group of plastic
// projections with the same modulator (how the eligibility turns into weight change), one block per
// projection (plastic-eligibility-block.wgsl); one invocation per flat index, which in each block is
// (instance b, synapse s) while below BATCH * S. Runs after plastic-pre and plastic-post of the step,
// and only in steps where some instance's modulator is not zero (the host skips the others).
// Bindings (keep, elig_at: lib/plastic.wgsl; its trace_at is unused here): group 0 =
// lib/spiking-bindings.wgsl; group 1 = pconst, wel, mods, elast (the group's shared buffers).
//!splice constants
//!splice lib

//!splice main
  let step = step_info.step;
  //!splice projections
}
