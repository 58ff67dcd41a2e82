// Shared by the plastic kernels (shaders/spiking/plastic-*.wgsl): FMA blocking and lazy traces and
// eligibilities. Needs step_info (lib/spiking-bindings.wgsl), pconst (the projections' constants), tr
// (their traces), and wel / elast (weights and eligibilities, the step of each eligibility's last change);
// every index is absolute (a projection's base included), as the group's projections share the buffers.

// Blocks FMA contraction of a product into the sum it feeds (the CPU twin rounds both).
fn keep(x: f32) -> f32 {
  return select(x, 0.0, step_info.never != 0u);
}

// Trace at base (three words: value just after the last spike, that step, value just before it) at
// `step`, counting a spike at `step`: value * table[age], 0 past the end of the decay table.
fn trace_at(base: u32, table_off: u32, table_len: u32, step: u32) -> f32 {
  let age = step - tr[base + 1u];
  if (age >= table_len) { return 0.0; }
  return keep(bitcast<f32>(tr[base]) * pconst[table_off + age]);
}

// Trace at base just before its neuron's spike of this step (read only where the neuron spiked now).
fn trace_before(base: u32) -> f32 {
  return bitcast<f32>(tr[base + 2u]);
}

// Eligibility at `step` of the synapse whose eligibility is wel[e] and whose last change is elast[last]:
// its value after the last change times the decay table (pconst[te_off ..], te_len entries) at the age of
// that change, 0 past the end of the table.
fn elig_at(e: u32, last: u32, te_off: u32, te_len: u32, step: u32) -> f32 {
  let age = step - elast[last];
  if (age >= te_len) { return 0.0; }
  return keep(wel[e] * pconst[te_off + age]);
}
