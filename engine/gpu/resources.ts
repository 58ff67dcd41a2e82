/** Buffer creation and error scopes that name the buffer or kernel at fault. */
import { GpuError } from '../errors.ts';
import { hostEnv } from '../util/host.ts';

/** Runs `fn` inside validation and out-of-memory error scopes; throws a GpuError naming `what`. */
export function scoped<T>(device: GPUDevice, what: string, fn: () => T): Promise<T> {
  return scopedAsync(device, what, async () => fn());
}

/** scoped() for asynchronous work. */
export async function scopedAsync<T>(device: GPUDevice, what: string, fn: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await fn();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom) throw new GpuError(what, `out of GPU memory: ${oom.message}`);
    if (validation) throw new GpuError(what, `WebGPU validation error: ${validation.message}`);
  }
  return result;
}

export function createBuffer(device: GPUDevice, label: string, size: number, usage: number, data?: ArrayBufferView): GPUBuffer {
  const padded = Math.max(16, Math.ceil(size / 4) * 4);
  const buffer = device.createBuffer({ label, size: padded, usage: usage | USAGE.COPY_DST });
  if (data) device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Buffer usage flags (the WebGPU spec's values), usable before WebGPU's globals are installed. */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC;

/** Reads a buffer back (creating a staging buffer); used outside the step loop only. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: `readback:${src.label}`, size, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return copy;
}

const TIMEOUT_MS = Number(hostEnv('LAMINA_GPU_TIMEOUT_S') ?? 600) * 1000;

/**
 * Waits for a GPU promise, but never forever: a lost device or no answer within LAMINA_GPU_TIMEOUT_S
 * (default 600 s) becomes a GpuError naming `what`.
 */
export async function guardGpu<T>(gpu: { lost: Promise<GPUDeviceLostInfo> }, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GpuError(what, `no answer from the GPU within ${TIMEOUT_MS / 1000} s (set LAMINA_GPU_TIMEOUT_S to wait longer)`)), TIMEOUT_MS);
  });
  const lost = gpu.lost.then((info) => { throw new GpuError(what, `device lost (${info.reason}): ${info.message}`); });
  lost.catch(() => undefined); // a loss after this wait has settled is reported by the next wait, not as an unhandled rejection
  try {
    return await Promise.race([p, lost, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
