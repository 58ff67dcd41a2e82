// synapse-reduce: sums the SPLIT K-slice partials of synapse-dense-tiled in slice order (deterministic)
// and runs the projection's epilogue. One invocation = one (row i, instance b).
// Bindings: group 0; group 1 = (unused weights slot), partials.
//!splice constants
//!splice lib

const FLAT_N = POST_N * BATCH;
//!splice main
  let b = flat / POST_N;
  let i = flat % POST_N;
  var v = 0.0;
  for (var s = 0u; s < SPLIT; s++) { v += partials[(s * BATCH + b) * POST_N + i]; }
  epilogue(b, i, proj_gain(b) * v);
}
