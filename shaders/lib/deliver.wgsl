// Delivery of one spike's stored synapses (synapse-spike and spiking-fused share it): the row's synapses
// in row_ptr, syn_target (ring offset of the synapse's post neuron and port), wq (int32 weights) and
// delay_pop (delay in steps | target population << 16 | weight slot << 24); the tables slot_base,
// post_slots, post_slot_stride and post_n are generated (engine/codegen/spiking.ts: synapseTables).
// Each weight (int32 fixed point) is added into its target's input ring at slot (step + delay) %
// slots(target). Integer adds commute, so the result does not depend on thread order.
// A synapse with a weight slot (a static projection into a port whose fixed-point scale is per instance,
// engine/plan/instance-weights.ts) delivers slot_weight: its table in `inputs` (at slot_base, generated)
// holds the mode, then (a_b, c_b) per instance: mode 0 delivers the integer a_b * 4096 + c_b, mode 1
// floor(f32(x * a_b) + 0.5) for the synapse's float32 weight x (the bits in wq). Needs keep().

fn slot_weight(sel: u32, b: u32, raw: i32) -> i32 {
  let o = slot_base(sel);
  let a = inputs[o + 1u + 2u * b];
  if (inputs[o] == 0.0) { return i32(a) * 4096 + i32(inputs[o + 2u + 2u * b]); }
  return i32(floor(keep(bitcast<f32>(raw) * a) + 0.5));
}

// Row r (index into row_ptr) of a spike of instance b at `step`: lanes lane, lane + lanes, ... of its synapses.
fn deliver_row(r: u32, b: u32, step: u32, lane: u32, lanes: u32) {
  let end = row_ptr[r + 1u];
  for (var k = row_ptr[r] + lane; k < end; k += lanes) {
    let dp = delay_pop[k];
    let post = (dp >> 16u) & 0xFFu;
    let sel = dp >> 24u;
    var w = wq[k];
    if (sel != 0u) { w = slot_weight(sel, b, w); }
    let slot = (step + (dp & 0xFFFFu)) % post_slots(post);
    atomicAdd(&ring[syn_target[k] + slot * post_slot_stride(post) + b * post_n(post)], w);
  }
}
