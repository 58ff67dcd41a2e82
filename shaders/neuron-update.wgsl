// neuron-update: one step of every spiking population of one neuron model (populations of the same model
// share one kernel; their sizes and offsets come from the generated pop_info table). One invocation = one
// (population, instance b, neuron i).
// Takes this step's synaptic input from the int32 ring (and clears it), adds Poisson input, runs the
// model's update code, checks the threshold (never while refractory), runs the reset code, and appends
// a spike to this step's spike list (parity step % 2) and, when recorded, to the spike bitset.
// The model's code is spliced in at the named places; everything else is the engine's. When the run
// checks for numerical faults, the stored state is tested for NaN and infinity (engine/codegen/faults.ts).
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = spike_bits (all spike recorders' rings).
//!splice constants
//!splice lib

// Blocks FMA contraction of a product into the sum it feeds (the CPU twin rounds both).
fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

// int32 fixed point to float32, exactly: both halves are representable, one rounding in the sum.
fn from_fixed(v: i32, inv_scale: f32) -> f32 {
  return (f32(v >> 12u) * 4096.0 + f32(v & 4095)) * inv_scale;
}

// Poisson count of mean lambda as `chunks` counts with P(0) = L = exp(-lambda / chunks) each: multiply
// uniforms until the product is <= L, then start the next chunk's product at 1 with the next uniform
// (chunks keep the product within float32; one chunk is the plain product method).
fn poisson_count(L: f32, chunks: u32, pop: u32, i: u32, b: u32, input: u32) -> u32 {
  var k = 0u;
  var p = 1.0;
  var left = chunks;
  for (var call = 0u; call < 4096u; call++) {
    let bits = philox4x32(vec4<u32>(i, step_info.step, 0u, (1u << 28u) | (pop << 16u) | (call << 4u) | input),
                          vec2<u32>(seeds[b], 0x4C414D49u));
    for (var q = 0u; q < 4u; q++) {
      p = p * philox_uniform(bits[q]);
      if (p > L) {
        k++;
      } else {
        left--;
        if (left == 0u) { return k; }
        p = 1.0;
      }
    }
  }
  return k;
}

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
  let k = find_pop(flat);
  let P = pop_info(k);
  let local = flat - P.first;
  let b = local / P.n;
  let i = local % P.n;
  let g = P.neuron_base + local;
  let slot = step % P.slots;
  //!splice load
  //!splice inputs
  let refractory = refrac[g] > 0u;
  //!splice update
  if (!refractory && /*!splice threshold*/) {
    //!splice reset
    refrac[g] = u32(params[P.param_base + b * P.param_count + P.param_count - 1u]);
    let s = atomicAdd(&spike_count[P.pop * 2u + parity], 1u);
    spikes[P.spike_base + parity * BATCH * P.n + s] = local;
    if (P.rec != 0xFFFFFFFFu) {
      atomicOr(&spike_bits[P.bits_base + (step_info.slots[P.rec / 4u][P.rec % 4u] * BATCH + b) * P.words + i / 32u], 1u << (i % 32u));
    }
  } else if (refractory) {
    refrac[g] = refrac[g] - 1u;
  }
  //!splice store
  //!splice fault-check
}
