// synapse-procedural: event-driven propagation through every procedural fixed-total projection of the
// network, in one dispatch: synapses are never stored. For each projection q and each spike of its
// presynaptic population (workgroup w takes spikes w, w + G, ...), the 64 threads regenerate the spiking neuron's synapses k = row_ptr[j] ..
// row_ptr[j + 1]: post = mulhi(r.x, N_post), weight = mean + sd * z(r), delay = mean + sd * z(r') in
// steps, with r, r' from Philox keyed by (seed, LAMI) and counted by (k, 0 or 1, 0, stream), and add the
// int32 fixed-point weight into the target's input ring.
// Exactness: z is built in integers (three 22-bit uniforms) and converted once, exactly; the projection's
// float parameters come from a buffer, so the compiler cannot fold or reassociate them; the CPU twin
// computes the same bits.
// A projection with a per-instance weight slot (word 16, else 0xFFFFFFFF; engine/plan/instance-weights.ts)
// takes instance b's scale a_b and weight mean c_b from the slot's table in `inputs`. A projection with a
// connectivity seed per instance (word 17: where the B seeds start in row_ptr, else 0xFFFFFFFF) has B
// sets of rows, instance b's at row_base + b (N_pre + 1).
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr (all projections' rows, concatenated),
// proj_info (PROJ_WORDS u32 per projection; floats as bits).
//!splice constants
//!splice lib

const PROJ_WORDS = 18u;

fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

//!splice main-events
  for (var q = 0u; q < NPROJ; q++) {
    let o = q * PROJ_WORDS;
    let pre_pop = proj_info[o + 13u];
    let pre_spike_base = proj_info[o + 14u];
    let pre_n = proj_info[o + 15u];
    let count = atomicLoad(&spike_count[pre_pop * 2u + parity]);
    for (var s = wid.x; s < count; s += nwg.x) {
      let e = spikes[pre_spike_base + parity * BATCH * pre_n + s];
      let b = e / pre_n;
      let j = e % pre_n;
      var row_base = proj_info[o];
      let post_n = proj_info[o + 1u];
      let ring_base = proj_info[o + 2u];
      let slot_stride = proj_info[o + 3u];
      let slots = proj_info[o + 4u];
      var seed = proj_info[o + 5u];
      let seeds_at = proj_info[o + 17u];
      if (seeds_at != 0xFFFFFFFFu) {
        row_base = row_base + b * (pre_n + 1u);
        seed = row_ptr[seeds_at + b];
      }
      let stream = proj_info[o + 6u];
      let sign = proj_info[o + 7u];
      var w_mean = bitcast<f32>(proj_info[o + 8u]);
      let w_sd = bitcast<f32>(proj_info[o + 9u]);
      let d_mean = bitcast<f32>(proj_info[o + 10u]);
      let d_sd = bitcast<f32>(proj_info[o + 11u]);
      var scale = bitcast<f32>(proj_info[o + 12u]);
      let slot_base = proj_info[o + 16u];
      if (slot_base != 0xFFFFFFFFu) {
        scale = inputs[slot_base + 1u + 2u * b];
        w_mean = inputs[slot_base + 2u + 2u * b];
      }
      let end = row_ptr[row_base + j + 1u];
      for (var k = row_ptr[row_base + j] + lid; k < end; k += 64u) {
        let r = philox4x32(vec4<u32>(k, 0u, 0u, stream), vec2<u32>(seed, 0x4C414D49u));
        let post = philox_mulhi(r.x, post_n);
        var w = w_mean + keep(w_sd * philox_z3(r));
        if (sign == 1u) { w = max(w, 0.0); }
        if (sign == 2u) { w = min(w, 0.0); }
        let wq = i32(floor(keep(w * scale) + 0.5));
        let r2 = philox4x32(vec4<u32>(k, 1u, 0u, stream), vec2<u32>(seed, 0x4C414D49u));
        let d = u32(max(floor(keep(d_mean + keep(d_sd * philox_z3(r2))) + 0.5), 1.0));
        let slot = (step + d) % slots;
        atomicAdd(&ring[ring_base + slot * slot_stride + b * post_n + post], wq);
      }
    }
  }
}
