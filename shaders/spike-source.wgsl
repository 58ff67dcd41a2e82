// spike-source: delivers given spike trains (an input of type "spikes"). One invocation = one event of
// this step; it adds the input's int32 fixed-point weight into the target's ring slot for this step in
// every instance, before neuron-update consumes it. Events of step t are events[step_ptr[t] ..
// step_ptr[t + 1]]. Where the port's scale is per instance, instance b's integer comes from the input's
// weight slot at SLOT_BASE in `inputs` (a_b * 4096 + c_b; engine/plan/instance-weights.ts).
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = step_ptr, neurons.
//!splice constants
//!splice lib

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let step = step_info.step;
  if (step >= STEPS) { return; }
  let e = step_ptr[step] + gid.x;
  if (e >= step_ptr[step + 1u]) { return; }
  let slot = step % SLOTS;
  for (var b = 0u; b < BATCH; b++) {
    var w = WQ;
    if (SLOT_BASE != 0xFFFFFFFFu) { w = i32(inputs[SLOT_BASE + 1u + 2u * b]) * 4096 + i32(inputs[SLOT_BASE + 2u + 2u * b]); }
    atomicAdd(&ring[RING_BASE + ((slot * PORTS + PORT) * BATCH + b) * N + neurons[e]], w);
  }
}
