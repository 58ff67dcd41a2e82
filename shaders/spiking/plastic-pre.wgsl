// plastic-pre: the presynaptic side of a group of plastic projections (engine/plan/plastic-groups.ts), one
// block per projection in spec order (plastic-pre-block.wgsl, with the projection's constants and its
// learning rule's code; engine/codegen/spiking-plastic.ts). The projections of a group write disjoint
// weights and add into the input rings atomically, so one dispatch serves them all with the results of
// one dispatch each. Workgroup w takes spikes w, w + G, ... of each projection's presynaptic population.
// Bindings (keep, trace_at, elig_at: lib/plastic.wgsl): group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr,
// post_idx, delay, pconst, tr, wel, mods, elast (the group's shared buffers; each projection at its bases).
//!splice constants
//!splice lib

//!splice main-events
  //!splice projections
}
