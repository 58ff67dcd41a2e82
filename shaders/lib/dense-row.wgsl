// One thread's share of a dense row: sum over its vec4 columns k = lane + TPR*m of W[row, 4k..4k+3] .
// r_b[4k..4k+3], for every instance b. Shared by synapse-dense and synapse-dense-subgroup.
// Needs group-1 `weights` (rows padded to PRE4 vec4s with zeros), lib/pre-rate.wgsl and the constants
// PRE4, PART_ROWS, TPR, ITERS, BATCH. `row` is local to this part of W (rows ROW0 ..).

fn row_partial(row: u32, lane: u32) -> array<f32, BATCH> {
  var acc: array<f32, BATCH>;
  if (row >= PART_ROWS) { return acc; }
  for (var m = 0u; m < ITERS; m++) {
    let k = lane + m * TPR;
    if (k < PRE4) {
      let w = weights[row * PRE4 + k];
      let j = 4u * k;
      for (var b = 0u; b < BATCH; b++) {
        acc[b] += dot(w, vec4<f32>(pre_rate(b, j), pre_rate(b, j + 1u), pre_rate(b, j + 2u), pre_rate(b, j + 3u)));
      }
    }
  }
  return acc;
}
