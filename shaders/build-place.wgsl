// build-place: writes the synapses of generated projection GEN whose row (PRE_ROW_BASE + pre, in the
// network-wide rows of every presynaptic population) lies in [ROW0, ROW1) into one part of the merged
// arrays (a part fits one storage binding): position =
// atomicAdd(cursor[pre - ROW0], 1). The order within a row depends on the GPU, the synapses do not, and
// input sums are order-independent; delay_pop gets the projection's weight slot (gen_info word 15) << 24. Bindings: group 0 = gen_info, cursor, syn_target, wq, delay_pop, build_info.
//!splice constants
//!splice lib

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let threads = nwg.x * 256u;
  for (var q = gid.x; q < N_SYN; q += threads) {
    let s = gen_synapse(GEN, q);
    let row = PRE_ROW_BASE + s.pre;
    if (row < ROW0 || row >= ROW1) { continue; }
    let pos = atomicAdd(&cursor[row - ROW0], 1u);
    syn_target[pos] = TARGET_BASE + s.post;
    wq[pos] = s.wq;
    delay_pop[pos] = s.delay | (POST_POP << 16u) | (gen_info[GEN * GEN_WORDS + 15u] << 24u);
  }
}
