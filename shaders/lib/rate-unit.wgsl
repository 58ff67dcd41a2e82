// The rate unit's update, shared by every kernel that finishes a population's step: x(n+1) from x(n) by
// the population's unit, then r(n+1) = f(x(n+1)). The unit is data (engine/models/rate-unit.ts; the
// built-ins in engine/models/builtin-rate-units.ts); its compiled code fills the splice points:
//   unit-values      the values it reads: p_NAME for a parameter, derived value or dt (one for the
//                    population or one per unit in unit_table, one per instance in inst_table), I_ext
//                    (external_input) and xi (unit_normal), each only if the code reads it
//   unit-update      statements that assign s_x (the state x; l_NAME for its let names)
//   unit-activation  the expression r = f(s_x)
//   fault-check      when the run checks for numerical faults, x then r of unit g tested for NaN and
//                    infinity (engine/codegen/faults.ts); else nothing
// rec is the population's summed projections for this step (gain_b * W r(n)).
// Needs the generated constants UNIT_N, UNIT_BASE, UNIT_TABLE, INST_K, the generated function
// external_input(b, i, step), and the kernel's this_step() (the global step being computed) and
// put_rate(g, r) (stores r(n+1) of unit g): StepInfo's step and rate_out in the multi-dispatch kernels,
// the loop's step and the other parity's buffer in rate-fused (engine/codegen/rate.ts: stepAccess).

// Blocks FMA contraction of a product into the sum it feeds (the CPU twin rounds both).
fn keep(v: f32) -> f32 {
  return select(v, 0.0, step_info.never != 0u);
}

// The noise sample xi ~ N(0,1) of unit i of the population, instance b, this step: Philox keyed by
// (seed_b, "LAMI") and counted by (UNIT_BASE + i, step, 0, 0): the instance's own seed, never its index
// in the batch, tells instances apart.
fn unit_normal(i: u32, b: u32) -> f32 {
  return philox_normal(philox4x32(vec4<u32>(UNIT_BASE + i, this_step(), 0u, 0u), vec2<u32>(seeds[b], 0x4C414D49u)));
}

fn update_unit(b: u32, i: u32, rec: f32) {
  let g = UNIT_BASE + b * UNIT_N + i;
  //!splice unit-values
  var s_x = state[g];
  //!splice unit-update
  state[g] = s_x;
  let r_out = /*!splice unit-activation*/;
  put_rate(g, r_out);
  //!splice fault-check
}
