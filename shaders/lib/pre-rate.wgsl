// r_b[j] of the projection's presynaptic population at the start of the step, 0 for a padding column
// j >= PRE_N (rows of W are padded to PRE4 vec4s). Shared by the dense matrix-vector kernels.
// Needs the constants PRE_N, PRE_BASE, PADDED.

fn pre_rate(b: u32, j: u32) -> f32 {
  if (PADDED) { if (j >= PRE_N) { return 0.0; } }
  return rate_in[PRE_BASE + b * PRE_N + j];
}
