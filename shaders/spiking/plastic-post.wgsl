// plastic-post: the postsynaptic side of one plastic projection. For each postsynaptic spike of this
// step (workgroup w takes spikes w, w + G, ...), its 64 threads walk the neuron's column (col_syn lists
// the synapses onto it): each potentiates by c+ * x (x: the presynaptic trace now; multiplicative: times
// (wMax - w); gated by the modulator with rule stdp), into w (clipped) or into the eligibility e.
// Dispatched after plastic-pre, so a synapse whose two neurons spiked in the same step is depressed first.
// Bindings (keep, trace_at, elig_at: lib/plastic.wgsl): group 0 = lib/spiking-bindings.wgsl; group 1 = col_ptr,
// col_syn, pre_idx, pconst, tr, wel, mods, elast.
//!splice constants
//!splice lib

//!splice main-events
  let count = atomicLoad(&spike_count[POST_POP * 2u + parity]);
  let w_min = pconst[0];
  let w_max = pconst[1];
  for (var s = wid.x; s < count; s += nwg.x) {
    let e = spikes[POST_SPIKE_BASE + parity * BATCH * POST_N + s];
    let b = e / POST_N;
    let i = e % POST_N;
    let c = pconst[CP_OFF + b];
    var m = 1.0;
    if (GATE) { m = mods[(step_info.local * BATCH + b) * NMOD + MOD]; }
    let end = col_ptr[i + 1u];
    for (var k = col_ptr[i] + lid; k < end; k += 64u) {
      let syn = col_syn[k];
      let wi = b * S + syn;
      let x = trace_at(2u * (b * PRE_N + pre_idx[syn]), TP_OFF, TP_LEN, step);
      var dw = keep(c * x);
      if (SOFT) { dw = keep(dw * (w_max - wel[wi])); }
      if (GATE) { dw = keep(dw * m); }
      if (THREE) {
        wel[BATCH * S + wi] = elig_at(wi, step) + dw;
        elast[wi] = step;
      } else {
        wel[wi] = clamp(wel[wi] + dw, w_min, w_max);
      }
    }
  }
}
