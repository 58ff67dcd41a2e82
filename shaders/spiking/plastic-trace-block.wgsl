// One projection's block of plastic-trace: its presynaptic and postsynaptic traces (at TB in tr; decay
// tables at PB in pconst).
{
  //!splice constants
  if (HAS_PRE_TRACES && g < atomicLoad(&spike_count[PRE_POP * 2u + parity])) {
    let e = spikes[PRE_SPIKE_BASE + parity * BATCH * PRE_N + g];  // b * PRE_N + j
    let b = e / PRE_N;
    //!splice pre-traces
  }
  if (HAS_POST_TRACES && g < atomicLoad(&spike_count[POST_POP * 2u + parity])) {
    let e = spikes[POST_SPIKE_BASE + parity * BATCH * POST_N + g];  // b * POST_N + i
    let b = e / POST_N;
    //!splice post-traces
  }
}
