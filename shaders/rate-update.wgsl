// rate-update: finishes a population's step from the accumulated synaptic input (or none).
// One invocation = one (unit i, instance b) of the population. Bindings: group 0 only.
//!splice constants
//!splice lib

const FLAT_N = UNIT_N * BATCH;
//!splice main
  let b = flat / UNIT_N;
  let i = flat % UNIT_N;
  var rec = 0.0;
  if (HAS_SYN) { rec = syn[UNIT_BASE + b * UNIT_N + i]; }
  update_unit(b, i, rec);
}
