// synapse-spike: event-driven propagation of every stored synapse of the network, for the network-wide
// presynaptic rows [ROW0, ROW1) (one part of the rows: each part's arrays fit one storage binding). Only
// the rows of neurons that spiked this step are touched: for each presynaptic population q (pre_info),
// workgroup w takes spikes w, w + G, ... of its list; its 64 threads walk the spiking neuron's synapses
// and add each weight (int32 fixed point) into its target's input ring at slot (step + delay) %
// slots(target). Integer adds commute, so the result does not depend on thread order.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr (local to the part), syn_target (ring
// offset of the synapse's post neuron and port), wq (int32 weights), delay_pop (delay in steps | target
// population << 16).
//!splice constants
//!splice lib

//!splice main-events
  for (var q = 0u; q < NPRE; q++) {
    let pre = pre_info(q);
    if (pre.row_base >= ROW1 || pre.row_base + pre.n <= ROW0) { continue; }
    let count = atomicLoad(&spike_count[pre.pop * 2u + parity]);
    for (var s = wid.x; s < count; s += nwg.x) {
      let e = spikes[pre.spike_base + parity * BATCH * pre.n + s];
      let b = e / pre.n;
      let row = pre.row_base + e % pre.n;
      if (row < ROW0 || row >= ROW1) { continue; }
      let end = row_ptr[row - ROW0 + 1u];
      for (var k = row_ptr[row - ROW0] + lid; k < end; k += 64u) {
        let dp = delay_pop[k];
        let post = dp >> 16u;
        let slot = (step + (dp & 0xFFFFu)) % post_slots(post);
        atomicAdd(&ring[syn_target[k] + slot * post_slot_stride(post) + b * post_n(post)], wq[k]);
      }
    }
  }
}
