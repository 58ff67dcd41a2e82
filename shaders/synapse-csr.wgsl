// synapse-csr: y_bi = gain_b * sum_{k in row i} val_k r_{b, col_k} for a sparse (CSR) projection.
// One invocation = one (postsynaptic row i, instance b); the row is summed in stored order
// (deterministic). Bindings: group 0; group 1 = rowPtr, colIdx, values.
//!splice constants
//!splice lib

const FLAT_N = POST_N * BATCH;
//!splice main
  let b = flat / POST_N;
  let i = flat % POST_N;
  var acc = 0.0;
  for (var k = row_ptr[i]; k < row_ptr[i + 1u]; k++) {
    acc += values[k] * rate_in[PRE_BASE + b * PRE_N + col_idx[k]];
  }
  epilogue(b, i, proj_gain(b) * acc);
}
