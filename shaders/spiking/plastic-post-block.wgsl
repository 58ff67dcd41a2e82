// One projection's block of plastic-post. For each postsynaptic spike of this step, the workgroup's 64
// threads walk the neuron's column (col_syn lists the synapses onto it) and run the learning rule's onPost
// code on each (generated: `neuron` loads what is the same for the whole column, `synapse` the synapse's
// names, the code and the stores). Column pointers at RB, synapse arrays at SB, weights at WB.
{
  //!splice constants
  let count = atomicLoad(&spike_count[POST_POP * 2u + parity]);
  for (var s = wid.x; s < count; s += nwg.x) {
    let e = spikes[POST_SPIKE_BASE + parity * BATCH * POST_N + s];
    let b = e / POST_N;
    let i = e % POST_N;
    //!splice neuron
    let end = col_ptr[RB + i + 1u];
    for (var k = col_ptr[RB + i] + lid; k < end; k += 64u) {
      let syn = col_syn[SB + k];
      let j = pre_idx[SB + syn];
      let wi = b * S + syn;
      //!splice synapse
    }
  }
}
