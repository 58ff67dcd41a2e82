// synapse-spike: event-driven propagation of every stored synapse of the network, for the network-wide
// presynaptic rows [ROW0, ROW1) (one part of the rows: each part's arrays fit one storage binding). Only
// the rows of neurons that spiked this step are touched: for each presynaptic population q (pre_info),
// workgroup w takes spikes w, w + G, ... of its list; its 64 threads walk the spiking neuron's synapses
// (lib/deliver.wgsl: deliver_row).
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr (local to the part), syn_target, wq,
// delay_pop (lib/deliver.wgsl).
//!splice constants
//!splice lib

// Blocks FMA contraction (the CPU twin rounds the product, then the sum).
fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

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
      deliver_row(row - ROW0, b, step, lid, 64u);
    }
  }
}
