// The rate unit's update, shared by every kernel that finishes a population's step.
// x' = c1 x + c2 (rec + bias + I_ext) + c3 sigma_b xi, r' = f(x'), where (c1, c2, c3) come from the
// integrator (host, float64): exponential Euler c1 = e^{-dt/tau}, c2 = 1 - c1, c3 = sqrt(1 - c1^2);
// forward Euler c1 = 1 - dt/tau, c2 = dt/tau, c3 = sqrt(2 dt/tau). xi ~ N(0,1) from Philox keyed by
// (seed_b, "LAMI") and counted by (unit, step, instance, 0).
// Needs the generated constants UNIT_N, UNIT_BASE, UNIT_TABLE, ACTIVATION, NOISE_PARAM, INST_K and the
// generated function external_input(b, i, step).

fn activation(x: f32) -> f32 {
  switch ACTIVATION {
    case 0u: { return tanh(clamp(x, -15.0, 15.0)); }
    case 1u: { return max(x, 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-x)); }
    case 3u: { return select(log(1.0 + exp(x)), x, x > 20.0); }
    default: { return x; }
  }
}

fn update_unit(b: u32, i: u32, rec: f32) {
  let g = UNIT_BASE + b * UNIT_N + i;
  let c1 = unit_table[UNIT_TABLE + i];
  let c2 = unit_table[UNIT_TABLE + UNIT_N + i];
  let bias = unit_table[UNIT_TABLE + 3u * UNIT_N + i];
  let drive = rec + bias + external_input(b, i, step_info.step);
  var x = c1 * state[g] + c2 * drive;
  if (NOISE_PARAM >= 0) {
    let c3 = unit_table[UNIT_TABLE + 2u * UNIT_N + i];
    let sigma = inst_table[b * INST_K + u32(NOISE_PARAM)];
    let bits = philox4x32(vec4<u32>(g, step_info.step, b, 0u), vec2<u32>(seeds[b], 0x4C414D49u));
    x = x + c3 * sigma * philox_normal(bits);
  }
  state[g] = x;
  rate_out[g] = activation(x);
}
