/**
 * Shared helpers for GPU tests: every test runs on whatever adapter exists (lavapipe in CI). In CI a
 * missing adapter fails the run (acquireGpu throws); nothing is skipped.
 */
import { acquireGpu, type Gpu } from '../engine/gpu/device.ts';

export async function gpu(): Promise<Gpu> {
  return acquireGpu({});
}

/** Fails the test on any validation error raised while `fn` runs (WebGPU error scopes). */
export async function withoutValidationErrors<T>(fn: () => Promise<T>): Promise<T> {
  const { device } = await gpu();
  device.pushErrorScope('validation');
  const result = await fn();
  const error = await device.popErrorScope();
  if (error) throw new Error(`WebGPU validation error: ${error.message}`);
  return result;
}

export function maxRelDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** max |a - b| / max |b|: weight differences relative to the weight scale. */
export function weightDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let scale = 0, worst = 0;
  for (let k = 0; k < b.length; k++) { scale = Math.max(scale, Math.abs(b[k])); worst = Math.max(worst, Math.abs(a[k] - b[k])); }
  return Number.isNaN(worst) ? Infinity : worst / scale;
}

/** Whether two float32 arrays hold the same bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
