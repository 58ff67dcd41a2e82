// neuron-update: one step of every spiking population of one neuron model (populations of the same model
// share one kernel; their sizes and offsets come from the generated pop_info table). One invocation = one
// (population, instance b, neuron i).
// The neuron's step is the model's generated step function (lib/neuron-step.wgsl, shared with the fused
// kernel); a spike is appended to this step's spike list (parity step % 2) and, when recorded, to the
// spike bitset row the recorder's StepInfo slot names.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = spike_bits (all spike recorders' rings).
//!splice constants
//!splice lib

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let step = step_info.step;
  let parity = step % 2u;
  let flat = gid.x + gid.y * nwg.x * 64u;
  // The other parity's lists were consumed by the previous step's synapse dispatches.
  if (flat == 0u) {
    for (var q = 0u; q < NPOPS; q++) { atomicStore(&spike_count[pop_info(q).pop * 2u + 1u - parity], 0u); }
  }
  if (flat >= TOTAL) { return; }
  let P = pop_info(find_pop(flat));
  let local = flat - P.first;
  let b = local / P.n;
  let i = local % P.n;
  if (neuron_m0(P, b, i, step, params_neuron_m0(P, b))) {
    let s = atomicAdd(&spike_count[P.pop * 2u + parity], 1u);
    spikes[P.spike_base + parity * BATCH * P.n + s] = local;
    if (P.rec != 0xFFFFFFFFu) {
      atomicOr(&spike_bits[P.bits_base + (step_info.slots[P.rec / 4u][P.rec % 4u] * BATCH + b) * P.words + i / 32u], 1u << (i % 32u));
    }
  }
}
