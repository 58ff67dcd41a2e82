// record-weights: copies a plastic projection's weights (B x post x pre, after this step's update) into
// a GPU ring buffer row: rec_ring[slot * TOTAL + e] = weights[e]. One invocation = one weight.
// Bindings: group 0; group 1 = weights, rec_ring.
//!splice constants
//!splice lib

const FLAT_N = TOTAL;
//!splice main
  rec_ring[step_info.slots[REC / 4u][REC % 4u] * TOTAL + flat] = weights[flat];
}
