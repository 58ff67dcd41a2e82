// spiking-fused: every step of a chunk of one instance in one workgroup (workgroup b = instance b), one
// dispatch per chunk (engine/run/spiking-fused.ts says which networks take this path). Per step:
//   0. the given spike trains' events of the step go into the rings (source_inputs, generated: as
//      spike-source; with a barrier after it when there are any);
//   1. every population's neurons step (the models' generated step functions, lib/neuron-step.wgsl, as
//      in neuron-update, with the parameters loaded once per population); a spike is appended to the instance's own list (its region of `spikes`, count
//      in workgroup memory) and, when recorded, set in the recorder's bitset row (row = step in chunk);
//   2. the state recorders that fire after this step write their row (record_states, generated: as
//      record-gather, which would run after the step; the state is final once the neurons have stepped),
//      the rate recorders the step's spike count (record_rates, generated: as record-rate);
//      the step's spikes propagate through the stored synapses into the instance's input rings
//      (lib/deliver.wgsl: deliver_row, as in synapse-spike), then through the procedural projections
//      (lib/procedural.wgsl: deliver_procedural, as in synapse-procedural; their rows and info in
//      `tables`);
// with workgroup and storage barriers between the phases. On CPU adapters the state may stay in the
// invocation's private memory for the chunk (state_in before the steps, state_out after; generated).
// Fixed-point adds commute, so the result is the multi-dispatch path's bit for bit. StepInfo is the
// chunk's first step's; `count` is the chunk's steps.
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = spike_bits, then the stored synapses
// (lib/deliver.wgsl; one part of rows only), tables (the state recorders' units, the spike trains'
// step_ptr and neurons, the procedural projections' rows at PROC_ROWS and info at PROC_INFO), rec_rings
// (the state recorders' rings, their f32 values as bits, and the rate recorders' counts).
//!splice constants
//!splice lib

fn proc_info(i: u32) -> u32 { return tables[PROC_INFO + i]; }
fn proc_row(i: u32) -> u32 { return tables[PROC_ROWS + i]; }

// Spikes per population (the instance's list lengths) of the steps s with s % 2 = 0 and 1: step s counts
// into fired[s % 2] and clears fired[(s + 1) % 2] while it delivers (nothing reads that half then), so
// one barrier pair per step orders both (workgroup memory starts at zero).
var<workgroup> fired: array<array<atomic<u32>, NPOPS>, 2>;

// Spikes of population k at step s of the chunk (all of them once the neurons have stepped).
fn fired_count(k: u32, s: u32) -> u32 {
  return atomicLoad(&fired[s & 1u][k]);
}

// Spike of neuron i of population k (P) of instance b at step s of the chunk: appended to the instance's
// list and, when recorded, set in the recorder's bitset row s.
fn emit(k: u32, P: PopInfo, b: u32, i: u32, s: u32) {
  let c = atomicAdd(&fired[s & 1u][k], 1u);
  spikes[P.spike_base + b * P.n + c] = i;
  if (P.rec != 0xFFFFFFFFu) {
    atomicOr(&spike_bits[P.bits_base + (s * BATCH + b) * P.words + i / 32u], 1u << (i % 32u));
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  state_in(b, lid);
  for (var s = 0u; s < step_info.count; s++) {
    let step = step_info.step + s;
    source_inputs(b, step, lid);
    // Each population's neurons through its model's step_population (generated: parameters loaded once, then neurons lid, lid + WG, ...).
    for (var k = 0u; k < NPOPS; k++) { step_population(k, b, s, step, lid); }
    storageBarrier();
    workgroupBarrier();
    record_states(b, step, lid);
    record_rates(b, s, lid);
    for (var q = 0u; q < NPRE; q++) {
      let pre = pre_info(q);
      let count = fired_count(pre.pop, s);
      // SPIKE_LANES invocations per spike, WG / SPIKE_LANES spikes at a time.
      for (var e = lid / SPIKE_LANES; e < count; e += WG / SPIKE_LANES) {
        deliver_row(pre.row_base + spikes[pre.spike_base + b * pre.n + e], b, step, lid % SPIKE_LANES, SPIKE_LANES);
      }
    }
    for (var q = 0u; q < NPROC; q++) {
      let o = q * PROJ_WORDS;
      let count = fired_count(proc_info(o + 13u), s);
      let list = proc_info(o + 14u) + b * proc_info(o + 15u);
      for (var e = lid / SPIKE_LANES; e < count; e += WG / SPIKE_LANES) {
        deliver_procedural(o, spikes[list + e], b, step, lid % SPIKE_LANES, SPIKE_LANES);
      }
    }
    for (var k = lid; k < NPOPS; k += WG) { atomicStore(&fired[(s + 1u) & 1u][k], 0u); }
    storageBarrier();
    workgroupBarrier();
  }
  state_out(b, lid);
}
