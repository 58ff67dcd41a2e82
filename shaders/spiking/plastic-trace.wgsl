// plastic-trace: this step's spikes update the traces of a group of plastic projections' learning rules
// (engine/models/rule.ts), one block per projection with traces (plastic-trace-block.wgsl). One invocation
// per spike index g of the step: in each block, g < (presynaptic spike count) takes presynaptic spike g,
// g < (postsynaptic spike count) postsynaptic spike g. Traces are lazy: per (trace, instance, neuron) three
// words, the value just after the neuron's last spike (f32 bits), that step, and the value just before
// that spike; the value at step t is value * table[t - last] (table in pconst, 0 past its end). A spike
// sets the value to the rule's onSpike expression of the value just before it (the generated
// `pre-traces` / `post-traces`, one block per trace, call bump()). Each neuron is in its population's
// spike list at most once per instance, so each trace is written by one invocation.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = pconst (engine/plan/spiking-plasticity.ts:
// plasticConstants), tr (the group's shared buffers; each projection at its bases).
//!splice constants
//!splice lib

fn bump(base: u32, before: f32, after: f32, step: u32) {
  tr[base] = bitcast<u32>(after);
  tr[base + 1u] = step;
  tr[base + 2u] = bitcast<u32>(before);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let step = step_info.step;
  let parity = step % 2u;
  let g = gid.x + gid.y * nwg.x * 64u;
  //!splice projections
}
