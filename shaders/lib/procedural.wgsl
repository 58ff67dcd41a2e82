// Delivery of one spike's procedural synapses (synapse-procedural and spiking-fused share it). The kernel
// defines where its words lie: proc_info(i), word i of the projections' info (PROJ_WORDS u32 per
// projection; floats as bits; engine/codegen/spiking.ts: proceduralInfo), and proc_row(i), word i of the
// projections' row_ptr (rows, concatenated, each followed by its per-instance seeds if it has them).
// Presynaptic neuron j of instance b spikes at `step`: lanes lane, lane + lanes, ... regenerate its
// synapses k = row_ptr[j] .. row_ptr[j + 1]: post = mulhi(r.x, N_post), weight = mean + sd * z(r),
// delay = mean + sd * z(r') in steps, with r, r' from Philox keyed by (seed, LAMI) and counted by
// (k, 0 or 1, 0, stream), and add the int32 fixed-point weight into the target's input ring.
// Exactness: z is built in integers (three 22-bit uniforms) and converted once, exactly; the projection's
// float parameters come from a buffer, so the compiler cannot fold or reassociate them; the CPU twin
// computes the same bits. Needs keep() and lib/philox.wgsl.
// A projection with a per-instance weight slot (word 16, else 0xFFFFFFFF; engine/plan/instance-weights.ts)
// takes instance b's scale a_b and weight mean c_b from the slot's table in `inputs`. A projection with a
// connectivity seed per instance (word 17: where the B seeds start in the rows, else 0xFFFFFFFF) has B
// sets of rows, instance b's at row_base + b (N_pre + 1).

const PROJ_WORDS = 18u;

// Projection q's words start at o = q * PROJ_WORDS.
fn deliver_procedural(o: u32, j: u32, b: u32, step: u32, lane: u32, lanes: u32) {
  var row_base = proc_info(o);
  let pre_n = proc_info(o + 15u);
  let post_n = proc_info(o + 1u);
  let ring_base = proc_info(o + 2u);
  let slot_stride = proc_info(o + 3u);
  let slots = proc_info(o + 4u);
  var seed = proc_info(o + 5u);
  let seeds_at = proc_info(o + 17u);
  if (seeds_at != 0xFFFFFFFFu) {
    row_base = row_base + b * (pre_n + 1u);
    seed = proc_row(seeds_at + b);
  }
  let stream = proc_info(o + 6u);
  let sign = proc_info(o + 7u);
  var w_mean = bitcast<f32>(proc_info(o + 8u));
  let w_sd = bitcast<f32>(proc_info(o + 9u));
  let d_mean = bitcast<f32>(proc_info(o + 10u));
  let d_sd = bitcast<f32>(proc_info(o + 11u));
  var scale = bitcast<f32>(proc_info(o + 12u));
  let slot_base = proc_info(o + 16u);
  if (slot_base != 0xFFFFFFFFu) {
    scale = inputs[slot_base + 1u + 2u * b];
    w_mean = inputs[slot_base + 2u + 2u * b];
  }
  let end = proc_row(row_base + j + 1u);
  for (var k = proc_row(row_base + j) + lane; k < end; k += lanes) {
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
