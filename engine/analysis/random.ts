/**
 * A small seeded generator for the analysis tools' resampling (bootstrap bands): SplitMix32 (the 32-bit
 * variant of Steele, Lea and Flood's SplitMix, with the finaliser of MurmurHash3). Not the simulation's
 * streams (those are Philox, engine/util/philox.ts): an analysis only needs a reproducible sequence
 * from a seed, the same on every machine.
 */

/** Uniform numbers in [0, 1) from `seed` (an integer; the same seed gives the same sequence). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** A Poisson count of mean `mean` (inversion by sequential search; for the tests' and the GLM's sampling, mean below ~50). */
export function poissonSample(mean: number, uniform: () => number): number {
  const u = uniform();
  let p = Math.exp(-mean), cdf = p, k = 0;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
