// One projection's block of plastic-pre. For each presynaptic spike of this step, the workgroup's 64
// threads walk the neuron's row: each synapse delivers its current weight times the gain modulator
// (quantized to the port's int32 fixed point, added into the target's input ring at step + delay), then
// runs the learning rule's onPre code (generated: `neuron` loads what is the same for the whole row,
// `synapse` the synapse's names, the code and the stores). Each synapse of an instance is touched by one
// invocation. Weights w of instance b, synapse s at wel[WB + b * S + s]; eligibilities at
// wel[WB + BATCH * S + b * S + s]. The scale is 2^S (pconst[PB + 3]) or, where the port's scale is per
// instance, 2^S_b at inputs[SCALE_BASE + 2 b]. Row pointers at RB, synapse arrays at SB.
{
  //!splice constants
  let count = atomicLoad(&spike_count[PRE_POP * 2u + parity]);
  for (var s = wid.x; s < count; s += nwg.x) {
    let e = spikes[PRE_SPIKE_BASE + parity * BATCH * PRE_N + s];
    let b = e / PRE_N;
    let j = e % PRE_N;
    var scale = pconst[PB + 3u];
    if (SCALE_BASE != 0xFFFFFFFFu) { scale = inputs[SCALE_BASE + 2u * b]; }
    var gain = 1.0;
    if (HAS_GAIN) { gain = mods[(step_info.local * BATCH + b) * NMOD + GAIN_MOD]; }
    //!splice neuron
    let end = row_ptr[RB + j + 1u];
    for (var k = row_ptr[RB + j] + lid; k < end; k += 64u) {
      let i = post_idx[SB + k];
      let wi = b * S + k;
      var s_w = wel[WB + wi];
      let slot = (step + delay[SB + k]) % SLOTS;
      atomicAdd(&ring[RING_BASE + slot * SLOT_STRIDE + b * POST_N + i], i32(floor(keep(keep(s_w * gain) * scale) + 0.5)));
      //!splice synapse
    }
  }
}
