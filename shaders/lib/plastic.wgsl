// Shared by the plastic kernels (shaders/spiking/plastic-*.wgsl): FMA blocking and lazy traces and
// eligibilities. Needs step_info (lib/spiking-bindings.wgsl), pconst (the projection's constants), tr (its
// traces), and wel / elast (weights and eligibilities, the step of each eligibility's last change).

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

// Eligibility of synapse wi (instance-major index b * S + s) at `step`: its value after the last change
// times the eligibility decay table at the age of that change, 0 past the end of the table.
fn elig_at(wi: u32, step: u32) -> f32 {
  let age = step - elast[wi];
  if (age >= TE_LEN) { return 0.0; }
  return keep(wel[BATCH * S + wi] * pconst[TE_OFF + age]);
}
