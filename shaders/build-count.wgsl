// build-count: counts the synapses of each presynaptic neuron of a generated projection (GPU-built stored
// connectivity), into the network-wide rows (the pre population's rows start at PRE_ROW_BASE). One invocation = a grid-stride run over synapses q < N_SYN of projection GEN; counts
// are atomic (order-independent). Bindings: group 0 = gen_info, counts.
//!splice constants
//!splice lib

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let threads = nwg.x * 256u;
  for (var q = gid.x; q < N_SYN; q += threads) {
    atomicAdd(&counts[PRE_ROW_BASE + gen_synapse(GEN, q).pre], 1u);
  }
}
