/**
 * Golden digests (SHA-256, first 16 hex digits), computed on lavapipe; every device must give the same
 * bits, since every device must equal the CPU twin. The tests check them here, bench/device-check.ts on
 * a lent GPU. A change means the simulated network or its random numbers changed.
 */
export const GOLDEN = {
  /** Spike trains, sorted "recorder:step:instance:neuron", batch 2, 200 steps (test/spiking-specs.ts). */
  spikes: { lif_psc_exp: 'a172ae5160ec1124', coba: '38d3b945b69d46c8', procedural: '1952e1c67256b3b7' },
  /** Every plastic weight after 300 steps, batch 3 (plasticSpec), and examples/plasticity-rules.json's AB then AC. */
  weights: { stdp: 'da2142b7ac1e548f', threeFactor: '268b417d265d8485', rules: '08fc9ec06b7c3283' },
} as const;
