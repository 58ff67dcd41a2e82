/**
 * CPU float32 twin of shaders/lagged-covariance.wgsl: the lagged products of centred activity z (T rows
 * x N units), time chunk by time chunk in the kernel's order: for each chunk [t0, t1), each lag and each
 * pair, one float32 sum over t ascending, then added to the total of the earlier chunks.
 */
const F = Math.fround;

/** out[(lag * N + i) * N + j] = sum_t z[t, i] z[t + lag, j] for lags 0..maxLag, over time chunks of `chunk` rows. */
export function laggedProductsF32(z: Float32Array, T: number, N: number, maxLag: number, chunk: number): Float32Array {
  const out = new Float32Array((maxLag + 1) * N * N);
  for (let t0 = 0; t0 < T; t0 += chunk) {
    const t1 = Math.min(T, t0 + chunk);
    for (let lag = 0; lag <= maxLag; lag++) {
      const stop = lag < T ? Math.max(t0, Math.min(t1, T - lag)) : t0;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let t = t0; t < stop; t++) acc = F(acc + F(z[t * N + i] * z[(t + lag) * N + j]));
          const o = (lag * N + i) * N + j;
          out[o] = F(out[o] + acc);
        }
      }
    }
  }
  return out;
}
