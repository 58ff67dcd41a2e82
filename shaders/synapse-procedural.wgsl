// synapse-procedural: event-driven propagation through every procedural fixed-total projection of the
// network, in one dispatch: synapses are never stored. For each projection q and each spike of its
// presynaptic population (workgroup w takes spikes w, w + G, ...), the 64 threads regenerate the spiking
// neuron's synapses (lib/procedural.wgsl: deliver_procedural).
// Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = row_ptr (all projections' rows, concatenated),
// proj_info (PROJ_WORDS u32 per projection; floats as bits).
//!splice constants
//!splice lib

fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

fn proc_info(i: u32) -> u32 { return proj_info[i]; }
fn proc_row(i: u32) -> u32 { return row_ptr[i]; }

//!splice main-events
  for (var q = 0u; q < NPROJ; q++) {
    let o = q * PROJ_WORDS;
    let pre_pop = proj_info[o + 13u];
    let pre_spike_base = proj_info[o + 14u];
    let pre_n = proj_info[o + 15u];
    let count = atomicLoad(&spike_count[pre_pop * 2u + parity]);
    for (var s = wid.x; s < count; s += nwg.x) {
      let e = spikes[pre_spike_base + parity * BATCH * pre_n + s];
      deliver_procedural(o, e % pre_n, e / pre_n, step, lid, 64u);
    }
  }
}
