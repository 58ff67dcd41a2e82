// Group 0 of the spiking kernels: the network's state, one layout for all of them (engine/gpu/layouts.ts
// declares the same bindings as SPIKING_GROUP0). State variable v of neuron i of instance b of a
// population: state[STATE_BASE + (v * BATCH + b) * N + i]. The input ring is int32 fixed point
// (engine/spiking/connectivity.ts: fixedPointScale), so sums do not depend on the order of atomic adds.

struct SpikeStepInfo {
  step: u32,                      // global step index n
  never: u32,                     // always 0; read by keep() so that products are not fused into FMAs
  local: u32,                     // index of the step within its chunk (rows of per-chunk tables such as mods)
  pad2: u32,
  slots: array<vec4<u32>, 15>,    // per recorder: its row in the GPU ring buffer for this step
}

@group(0) @binding(0) var<uniform> step_info: SpikeStepInfo;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> refrac: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> ring: array<atomic<i32>>;
@group(0) @binding(5) var<storage, read_write> spikes: array<u32>;
@group(0) @binding(6) var<storage, read_write> spike_count: array<atomic<u32>>;
@group(0) @binding(7) var<storage, read> seeds: array<u32>;
@group(0) @binding(8) var<storage, read> inputs: array<f32>;
