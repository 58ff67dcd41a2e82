// Group 0 of the spiking kernels: the network's state, one layout for all of them (engine/gpu/layouts.ts
// declares the same bindings as SPIKING_GROUP0). State variable v of neuron i of instance b of a
// population: state[STATE_BASE + (v * BATCH + b) * N + i]. The input ring is int32 fixed point
// (engine/plan/synapses.ts: fixedPointScale), so sums do not depend on the order of atomic adds. StepInfo is generated (engine/gpu/step-info.ts).

@group(0) @binding(0) var<uniform> step_info: StepInfo;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> refrac: array<u32>;
@group(0) @binding(3) var<storage, read> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> ring: array<atomic<i32>>;
@group(0) @binding(5) var<storage, read_write> spikes: array<u32>;
@group(0) @binding(6) var<storage, read_write> spike_count: array<atomic<u32>>;
@group(0) @binding(7) var<storage, read> seeds: array<u32>;
@group(0) @binding(8) var<storage, read> inputs: array<f32>;
