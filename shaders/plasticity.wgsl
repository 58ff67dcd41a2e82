// plasticity: one step of a plastic projection's learning rule, after the step's rate update, from the
// new rates r_i = rate_out(post), r_j = rate_out(pre), with a = eta_b * m_b (m = the gating modulator,
// 1 without one) and the rule constants in rule_params (host float64, rounded once):
//   RULE 0 hebbian:      w += dt * (a * (r_i * r_j) - decay * w)
//   RULE 1 oja:          w += dt * (a * (r_i * (r_j - r_i * w)))
//   RULE 2 three-factor: e = e_decay * e + dt * (c_i * r_j);  w += dt * (a * e), with c_i = r_i, or with
//                        CENTER c_i = r_i - rbar_i: rbar_i the running average of r_i, kept after the
//                        eligibilities in two parities (step % 2 is read, the other written by the j = 0
//                        invocation: rbar' = rbar + k * (r_i - rbar), k = rule_params[5])
// then w = clamp to [w_min, w_max] where given. One invocation = one synapse (b, i, j); each weight
// (and eligibility) is read and written by exactly that invocation (deterministic).
// Bindings: group 0; group 1 = weights (B x POST_N x PRE_N), eligibility (same shape, three-factor
// only), rule_params [dt, decay, e_decay, w_min, w_max].
//!splice constants
//!splice lib

const FLAT_N = BATCH * POST_N * PRE_N;
//!splice main
  let b = flat / (POST_N * PRE_N);
  let i = (flat / PRE_N) % POST_N;
  let j = flat % PRE_N;
  let ri = rate_out[POST_BASE + b * POST_N + i];
  let rj = rate_out[PRE_BASE + b * PRE_N + j];
  let dt = rule_params[0];
  var a = inst_table[b * INST_K + ETA_PARAM];
  if (HAS_MOD) { a = a * modulators[b * MOD_K + MOD]; }
  var w = weights[flat];
  if (RULE == 0u) {
    w = w + dt * (a * (ri * rj) - rule_params[1] * w);
  } else if (RULE == 1u) {
    w = w + dt * (a * (ri * (rj - ri * w)));
  } else {
    var ci = ri;
    if (CENTER) {
      let means = BATCH * POST_N * PRE_N + b * POST_N + i;
      let parity = step_info.step % 2u;
      let mean = eligibility[means + parity * BATCH * POST_N];
      ci = ri - mean;
      if (j == 0u) { eligibility[means + (1u - parity) * BATCH * POST_N] = mean + rule_params[5] * ci; }
    }
    let e = rule_params[2] * eligibility[flat] + dt * (ci * rj);
    eligibility[flat] = e;
    w = w + dt * (a * e);
  }
  if (HAS_WMIN) { w = max(w, rule_params[3]); }
  if (HAS_WMAX) { w = min(w, rule_params[4]); }
  weights[flat] = w;
}
