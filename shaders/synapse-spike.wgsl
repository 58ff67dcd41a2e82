// synapse-spike: event-driven propagation of one projection. Only the rows of neurons that spiked this
// step are touched: workgroup w takes spikes w, w + G, ... of the presynaptic population's list; its 64
// threads walk the spiking neuron's synapses (stored by presynaptic neuron) and add each weight (int32
// fixed point) into the target's input ring at slot (step + delay) % SLOTS. Integer adds commute, so the
// result does not depend on thread order. Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 =
// row_ptr, post_idx, wq (int32 weights), delay (steps).
//!splice constants
//!splice lib

@group(1) @binding(0) var<storage, read> row_ptr: array<u32>;
@group(1) @binding(1) var<storage, read> post_idx: array<u32>;
@group(1) @binding(2) var<storage, read> wq: array<i32>;
@group(1) @binding(3) var<storage, read> delay: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let step = step_info.step;
  let parity = step % 2u;
  let count = atomicLoad(&spike_count[PRE_POP * 2u + parity]);
  for (var s = wid.x; s < count; s += nwg.x) {
    let e = spikes[PRE_SPIKE_BASE + parity * BATCH * PRE_N + s];
    let b = e / PRE_N;
    let j = e % PRE_N;
    let end = row_ptr[j + 1u];
    for (var k = row_ptr[j] + lid; k < end; k += 64u) {
      let slot = (step + delay[k]) % SLOTS;
      atomicAdd(&ring[RING_BASE + ((slot * PORTS + PORT) * BATCH + b) * POST_N + post_idx[k]], wq[k]);
    }
  }
}
