// plastic-eligibility: the third factor of one three-factor projection, one invocation per (instance b,
// synapse s): w += (dt * eta_b * D_b) * e, clipped to [wMin, wMax], with e the synapse's eligibility at
// this step (lazy: its value after the last change times the decay table at that change's age). D_b is
// the modulator's value for this step. Runs after plastic-pre and plastic-post of the step, and only in
// steps where some instance's D is not zero (the host skips the others: there w would not change).
// Bindings (keep, elig_at: lib/plastic.wgsl; its trace_at is unused here): group 0 =
// lib/spiking-bindings.wgsl; group 1 = pconst, wel, mods, elast.
//!splice constants
//!splice lib

const FLAT_N = BATCH * S;
//!splice main
  let g = flat;
  let b = g / S;
  let k = keep(pconst[KE_OFF + b] * mods[(step_info.local * BATCH + b) * NMOD + MOD]);
  wel[g] = clamp(wel[g] + keep(k * elig_at(g, step_info.step)), pconst[0], pconst[1]);
}
