// Group 0: the network's shared state, one layout for every kernel (engine/gpu/layouts.ts declares the
// same bindings; test/unit/layout.test.ts checks them against this file with wgsl_reflect).
// State arrays hold every population: unit i of instance b of population p sits at
// POP_BASE(p) + b * N(p) + i. rate_in holds r(x) at the start of the step, rate_out receives it at the end
// (the two rate buffers swap every step). StepInfo is generated (engine/gpu/step-info.ts). `modulators` holds every modulator's value for this step,
// value k of instance b at b * MOD_K + k, then the activity modulators' running predictions at
// BATCH * MOD_K + b * MOD_K + k (written by the modulators kernel and by the host, read by the rest).
// `fault` holds the numerical fault words (engine/codegen/faults.ts), written only by a faulty unit.

@group(0) @binding(0) var<uniform> step_info: StepInfo;
@group(0) @binding(1) var<storage, read> rate_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> rate_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> syn: array<f32>;
@group(0) @binding(5) var<storage, read> unit_table: array<f32>;
@group(0) @binding(6) var<storage, read> inst_table: array<f32>;
@group(0) @binding(7) var<storage, read> seeds: array<u32>;
@group(0) @binding(8) var<storage, read> input_data: array<f32>;
@group(0) @binding(9) var<storage, read_write> modulators: array<f32>;
@group(0) @binding(10) var<storage, read_write> fault: array<atomic<u32>>;
