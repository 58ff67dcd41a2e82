// plastic-post: the postsynaptic side of a group of plastic projections (engine/plan/plastic-groups.ts),
// one block per projection with onPost code, in spec order (plastic-post-block.wgsl; projections without
// onPost have no block). Dispatched after plastic-pre, so a synapse whose two neurons spiked in the same
// step runs onPre first. Workgroup w takes spikes w, w + G, ... of each projection's postsynaptic population.
// Bindings (keep, trace_at, elig_at: lib/plastic.wgsl): group 0 = lib/spiking-bindings.wgsl; group 1 = col_ptr,
// col_syn, pre_idx, pconst, tr, wel, mods, elast (the group's shared buffers; each projection at its bases).
//!splice constants
//!splice lib

//!splice main-events
  //!splice projections
}
