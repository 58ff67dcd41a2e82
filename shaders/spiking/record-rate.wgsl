// record-rate: counts this step's spikes of one population per instance into a GPU ring buffer row,
// counts[(slot * BATCH + b)] += 1 for every spike of instance b (integer adds: order-independent). The
// host turns counts into rates (Hz) over bins of `every` steps. One workgroup of 64 threads walks the
// population's spike list. Bindings: group 0 = lib/spiking-bindings.wgsl; group 1 = counts.
//!splice constants
//!splice lib

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  let parity = step_info.step % 2u;
  let n = atomicLoad(&spike_count[POP * 2u + parity]);
  let row = step_info.slots[REC / 4u][REC % 4u];
  for (var s = lid; s < n; s += 64u) {
    let b = spikes[SPIKE_BASE + parity * BATCH * N + s] / N;
    atomicAdd(&counts[row * BATCH + b], 1u);
  }
}
