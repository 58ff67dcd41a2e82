// plasticity: one step of a plastic projection's learning rule (engine/models/rate-rule.ts), after the
// step's rate update, from the new rates r_post = rate_out(post unit i), r_pre = rate_out(pre unit j).
// The generated `update` loads the instance's parameters (rule_params row b), the modulator M (1 without
// one), the unit's post variables (their parity step % 2) and the synapse's eligibility, runs the rule's
// update code, stores the eligibility, and in the j = 0 invocation runs the rule's postUpdate and writes
// the post variables to the other parity. Then w is clipped to [W_MIN, W_MAX] where given.
// One invocation = one synapse (b, i, j); each weight (and eligibility, and post variable) is read and
// written by exactly that invocation (deterministic). keep() blocks FMA contraction of a product into the
// sum it feeds (the CPU twin rounds both): it reads step_info.never, which the host always leaves 0.
// Bindings: group 0; group 1 = weights (B x POST_N x PRE_N), eligibility (engine/plan/rate.ts:
// PlasticPlan.state), rule_params (B rows of the rule's parameters and derived parameters).
//!splice constants
//!splice lib

fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

const FLAT_N = BATCH * POST_N * PRE_N;
//!splice main
  let b = flat / (POST_N * PRE_N);
  let i = (flat / PRE_N) % POST_N;
  let j = flat % PRE_N;
  let parity = step_info.step % 2u;
  let v_r_post = rate_out[POST_BASE + b * POST_N + i];
  let v_r_pre = rate_out[PRE_BASE + b * PRE_N + j];
  var s_w = weights[flat];
  //!splice update
  if (HAS_WMIN) { s_w = max(s_w, W_MIN); }
  if (HAS_WMAX) { s_w = min(s_w, W_MAX); }
  weights[flat] = s_w;
}
