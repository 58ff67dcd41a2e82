/**
 * The lagged cross-covariance on the GPU (shaders/lagged-covariance.wgsl), for populations and
 * recordings too large for the CPU (engine/analysis/xcov.ts has the definitions and the float64 CPU
 * version; engine/reference/lagged-covariance.ts the kernel's float32 twin). The activity is centred
 * (and normalised) on the host in float64, then the products sum_t z(t, i) z(t + lag, j) run as one
 * tiled product per lag 0..L; C(-lag) is the transpose of C(lag). The recording is cut into time chunks
 * whose rows (plus the L rows a lag reaches beyond them) fit one storage binding, and the lags into
 * blocks whose N x N outputs fit one; each chunk adds to the block's totals in a fixed order, so the
 * result is the same run to run.
 */
import laggedShader from '../../shaders/lagged-covariance.wgsl';
import { centred, type LaggedCovariance, type XcovOptions } from '../analysis/xcov.ts';
import { SpecError } from '../errors.ts';
import type { Gpu } from '../gpu/device.ts';
import { ANALYSIS_GROUP0 } from '../gpu/layouts.ts';
import { PipelineCache } from '../gpu/pipelines.ts';
import { createBuffer, guardGpu, readBuffer, scopedAsync, STORAGE, USAGE } from '../gpu/resources.ts';

export interface GpuXcovOptions extends XcovOptions {
  /** 'full': every lag's C (as laggedCovariance returns); 'asymmetry': A only (N x N host memory). */
  output?: 'full' | 'asymmetry';
  /** Rows per time chunk (default: as many as one binding holds); the CPU twin takes the same. */
  chunkRows?: number;
}

export interface GpuXcov {
  /** Present with output 'full'. */
  cov?: LaggedCovariance;
  /** A_ij = sum_{lag=1..L} C_ij(lag) - C_ji(lag). */
  asymmetry: Float64Array;
  units: number;
  /** Time chunks and lag blocks used (dispatches = their product). */
  chunks: number;
  lagBlocks: number;
}

/** Rows per time chunk so that a chunk and the maxLag rows after it fit one binding. */
export function chunkRowsFor(limit: number, N: number, maxLag: number): number {
  const rows = Math.floor(limit / (4 * N)) - maxLag;
  if (rows < 1) throw new SpecError('xcov', `${N} units with lags up to ${maxLag} bins do not fit one storage binding of ${limit} bytes`);
  return rows;
}

export async function laggedCovarianceGpu(gpu: Gpu, x: ArrayLike<number>, T: number, N: number, options: GpuXcovOptions): Promise<GpuXcov> {
  const L = options.maxLag;
  if (!(Number.isInteger(L) && L >= 0 && L < T)) throw new SpecError('maxLag', `expected an integer in [0, ${T - 1}], got ${L}`);
  if (x.length !== T * N) throw new SpecError('activity', `expected ${T} x ${N} = ${T * N} values, got ${x.length}`);
  const { device } = gpu;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (4 * N * N > limit) throw new SpecError('xcov', `an N x N output of ${N} units (${4 * N * N} bytes) exceeds one storage binding (${limit} bytes)`);
  const chunk = Math.min(T, options.chunkRows ?? chunkRowsFor(limit, N, L));
  const perBlock = Math.max(1, Math.min(L + 1, Math.floor(limit / (4 * N * N)), device.limits.maxComputeWorkgroupsPerDimension));
  const z = centred(x, T, N, options.normalize ?? false, new Float32Array(T * N));
  const cache = PipelineCache.of(device);
  const layout = cache.layout(ANALYSIS_GROUP0['lagged-covariance'], 'lagged-covariance');
  const pipeline = cache.pipeline('lagged-covariance', laggedShader, [layout]);
  const chunks: [number, number][] = [];
  for (let t0 = 0; t0 < T; t0 += chunk) chunks.push([t0, Math.min(T, t0 + chunk)]);
  const zBuffers = chunks.map(([t0, t1]) => {
    const rows = z.subarray(t0 * N, Math.min(T, t1 + L) * N);
    return createBuffer(device, `lagged-covariance:z ${t0}`, rows.byteLength, USAGE.STORAGE, rows);
  });
  const full = (options.output ?? 'full') === 'full';
  const c = full ? new Float64Array((2 * L + 1) * N * N) : undefined;
  const asymmetry = new Float64Array(N * N);
  const buffers: GPUBuffer[] = [...zBuffers];
  try {
    let blocks = 0;
    for (let lag0 = 0; lag0 <= L; lag0 += perBlock, blocks++) {
      const lags = Math.min(perBlock, L + 1 - lag0);
      const out = createBuffer(device, 'lagged-covariance:out', 4 * lags * N * N, STORAGE);
      buffers.push(out);
      const products = await scopedAsync(device, 'computing the lagged cross-covariance', async () => {
        const enc = device.createCommandEncoder({ label: 'lagged-covariance' });
        chunks.forEach(([t0, t1], k) => {
          const params = createBuffer(device, 'lagged-covariance:params', 32, USAGE.UNIFORM, new Uint32Array([N, T, t0, t1, lag0, t0, 0, 0]));
          buffers.push(params);
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, cache.bindGroup('lagged-covariance', layout, [params, zBuffers[k], out]));
          pass.dispatchWorkgroups(Math.ceil(N / 16), Math.ceil(N / 16), lags);
          pass.end();
        });
        device.queue.submit([enc.finish()]);
        return new Float32Array(await guardGpu(gpu, 'computing the lagged cross-covariance', readBuffer(device, out, 0, 4 * lags * N * N)));
      });
      for (let l = 0; l < lags; l++) {
        const lag = lag0 + l, norm = 1 / (T - lag), base = l * N * N;
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < N; j++) {
            const v = products[base + i * N + j] * norm;
            if (c) { c[((L + lag) * N + i) * N + j] = v; c[((L - lag) * N + j) * N + i] = v; }
            if (lag > 0) { asymmetry[i * N + j] += v; asymmetry[j * N + i] -= v; }
          }
        }
      }
      out.destroy();
    }
    const lagsArray = Int32Array.from({ length: 2 * L + 1 }, (_, l) => l - L);
    return { ...(c ? { cov: { lags: lagsArray, c, units: N } } : {}), asymmetry, units: N, chunks: chunks.length, lagBlocks: blocks };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
