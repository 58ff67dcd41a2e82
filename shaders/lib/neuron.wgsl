// What every kernel that steps spiking neurons shares (neuron-update, spiking-fused): the population
// table's row type, fixed-point input, Poisson counts. The per-model step functions
// (lib/neuron-step.wgsl) and the table pop_info are generated (engine/codegen/spiking-neuron.ts).

// One population of the kernel: sizes and offsets (engine/plan/spiking.ts), its spike recorder (rec,
// bits_base, words; rec 0xFFFFFFFF: none) and per port the inverse fixed-point scale (inv*) or where
// its per-instance inverse scales start in `inputs` (ib*, 0xFFFFFFFF: one for the batch).
struct PopInfo { n: u32, first: u32, neuron_base: u32, state_base: u32, param_base: u32, param_count: u32, ring_base: u32,
  slots: u32, spike_base: u32, pop: u32, has_dc: u32, rec: u32, bits_base: u32, words: u32, ib0: u32, ib1: u32, ib2: u32, ib3: u32,
  inv0: f32, inv1: f32, inv2: f32, inv3: f32 }

fn inv_scale(batch_inv: f32, base: u32, b: u32) -> f32 {
  if (base == 0xFFFFFFFFu) { return batch_inv; }
  return inputs[base + b];
}

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
fn poisson_count(L: f32, chunks: u32, pop: u32, i: u32, b: u32, input: u32, step: u32) -> u32 {
  var k = 0u;
  var p = 1.0;
  var left = chunks;
  for (var call = 0u; call < 4096u; call++) {
    let bits = philox4x32(vec4<u32>(i, step, 0u, (1u << 28u) | (pop << 16u) | (call << 4u) | input),
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
