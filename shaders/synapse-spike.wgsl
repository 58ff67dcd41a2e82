// synapse-spike: event-driven propagation of every stored synapse of the network, for the network-wide
// presynaptic rows [ROW0, ROW1) (one part of the rows: each part's arrays fit one storage binding). Only
// the rows of neurons that spiked this step are touched: for each presynaptic population q (pre_info),
// workgroup w takes spikes w, w + G, ... of its list; its 64 threads walk the spiking neuron's synapses
// and add each weight (int32 fixed point) into its target's input ring at slot (step + delay) %
// slots(target). Integer adds commute, so the result does not depend on thread order.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr (local to the part), syn_target (ring
// offset of the synapse's post neuron and port), wq (int32 weights), delay_pop (delay in steps | target
// population << 16 | weight slot << 24).
// A synapse with a weight slot (a static projection into a port whose fixed-point scale is per instance,
// engine/plan/instance-weights.ts) delivers slot_weight: its table in `inputs` (at slot_base, generated)
// holds the mode, then (a_b, c_b) per instance: mode 0 delivers the integer a_b * 4096 + c_b, mode 1
// floor(f32(x * a_b) + 0.5) for the synapse's float32 weight x (the bits in wq).
//!splice constants
//!splice lib

// Blocks FMA contraction (the CPU twin rounds the product, then the sum).
fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

fn slot_weight(sel: u32, b: u32, raw: i32) -> i32 {
  let o = slot_base(sel);
  let a = inputs[o + 1u + 2u * b];
  if (inputs[o] == 0.0) { return i32(a) * 4096 + i32(inputs[o + 2u + 2u * b]); }
  return i32(floor(keep(bitcast<f32>(raw) * a) + 0.5));
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
      let end = row_ptr[row - ROW0 + 1u];
      for (var k = row_ptr[row - ROW0] + lid; k < end; k += 64u) {
        let dp = delay_pop[k];
        let post = (dp >> 16u) & 0xFFu;
        let sel = dp >> 24u;
        var w = wq[k];
        if (sel != 0u) { w = slot_weight(sel, b, w); }
        let slot = (step + (dp & 0xFFFFu)) % post_slots(post);
        atomicAdd(&ring[syn_target[k] + slot * post_slot_stride(post) + b * post_n(post)], w);
      }
    }
  }
}
