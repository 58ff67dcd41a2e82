// record-gather: copies chosen units of one population (every instance) into a GPU ring buffer row,
// for rate and spiking networks alike: rec_ring[(slot * BATCH + b) * M + m] = recorded(b, units[m]).
// recorded(b, u) is generated: the rate or state of unit u of a rate population (engine/codegen/rate.ts),
// or one state variable of neuron u of a spiking population (engine/codegen/spiking.ts).
// One invocation = one (recorded unit m, instance b). Bindings: group 0 of the network's kind;
// group 1 = units, rec_ring.
//!splice constants
//!splice lib

const FLAT_N = M * BATCH;
//!splice main
  let b = flat / M;
  let m = flat % M;
  rec_ring[(step_info.slots[REC / 4u][REC % 4u] * BATCH + b) * M + m] = recorded(b, units[m]);
}
