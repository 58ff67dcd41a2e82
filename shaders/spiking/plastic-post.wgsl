// plastic-post: the postsynaptic side of one plastic projection. For each postsynaptic spike of this step
// (workgroup w takes spikes w, w + G, ...), its 64 threads walk the neuron's column (col_syn lists the
// synapses onto it) and run the learning rule's onPost code on each (generated: `neuron` loads what is
// the same for the whole column, `synapse` the synapse's names, the code and the stores;
// engine/codegen/spiking-plastic.ts). Without onPost code (HAS_POST false) it returns at once.
// Dispatched after plastic-pre, so a synapse whose two neurons spiked in the same step runs onPre first.
// Bindings (keep, trace_at, elig_at: lib/plastic.wgsl): group 0 = lib/spiking-bindings.wgsl; group 1 = col_ptr,
// col_syn, pre_idx, pconst, tr, wel, mods, elast.
//!splice constants
//!splice lib

//!splice main-events
  if (!HAS_POST) { return; }
  let count = atomicLoad(&spike_count[POST_POP * 2u + parity]);
  for (var s = wid.x; s < count; s += nwg.x) {
    let e = spikes[POST_SPIKE_BASE + parity * BATCH * POST_N + s];
    let b = e / POST_N;
    let i = e % POST_N;
    //!splice neuron
    let end = col_ptr[i + 1u];
    for (var k = col_ptr[i] + lid; k < end; k += 64u) {
      let syn = col_syn[k];
      let j = pre_idx[syn];
      let wi = b * S + syn;
      //!splice synapse
    }
  }
}
