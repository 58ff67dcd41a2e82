/**
 * A short calibration of the adapter for wall-time estimates (lamina inspect): the cost of one dependent
 * dispatch (a chain of empty dispatches in one compute pass, shaders/bench-empty.wgsl) and the streaming
 * bandwidth (a copy kernel over two storage buffers, shaders/bench-copy.wgsl), each the median of a few
 * timed submissions waited on to completion. Takes well under a second on lavapipe.
 */
import copyShader from '../../shaders/bench-copy.wgsl';
import emptyShader from '../../shaders/bench-empty.wgsl';
import type { Gpu } from './device.ts';
import type { Binding } from './layouts.ts';
import { PipelineCache } from './pipelines.ts';
import { guardGpu, USAGE } from './resources.ts';

export interface Calibration {
  /** Seconds per dependent dispatch (launch and the barrier between dispatches that write storage). */
  dispatchSeconds: number;
  /** Bytes per second read plus written by a streaming copy. */
  bytesPerSecond: number;
  /** What was measured, for reports. */
  basis: string;
}

const EMPTY: readonly Binding[] = [{ name: 'counter', kind: 'storage' }];
const COPY: readonly Binding[] = [{ name: 'src', kind: 'read-only-storage' }, { name: 'dst', kind: 'storage' }];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Seconds per dispatch of one pipeline, dispatched `count` times in one compute pass per submission, each
 * submission waited on: the count grows until a submission takes 20 ms (so that the wait is amortized),
 * then the median of `repeats` submissions.
 */
async function timePerDispatch(gpu: Gpu, pipeline: GPUComputePipeline, group: GPUBindGroup, workgroups: number, count: number, repeats: number): Promise<{ seconds: number; count: number }> {
  const { device } = gpu;
  const submit = async (n: number) => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder({ label: 'calibration' });
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let k = 0; k < n; k++) pass.dispatchWorkgroups(workgroups);
    pass.end();
    device.queue.submit([enc.finish()]);
    await guardGpu(gpu, 'calibrating the adapter', device.queue.onSubmittedWorkDone());
    return (performance.now() - t0) / 1000;
  };
  await submit(1); // compiles and warms up
  for (let t = await submit(count); t < 0.02 && count < 4096; t = await submit(count)) count = Math.min(4096, count * Math.ceil(Math.min(0.02 / Math.max(t, 1e-4), 16)));
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(await submit(count));
  return { seconds: median(times) / count, count };
}

/** Measures the adapter's dispatch cost and copy bandwidth. */
export async function calibrate(gpu: Gpu): Promise<Calibration> {
  const { device } = gpu;
  const cache = PipelineCache.of(device);
  const emptyLayout = cache.layout(EMPTY, 'calibration:empty');
  const copyLayout = cache.layout(COPY, 'calibration:copy');
  const counter = device.createBuffer({ label: 'calibration:counter', size: 16, usage: USAGE.STORAGE });
  const bytes = Math.min(16 * 2 ** 20, Math.floor(device.limits.maxStorageBufferBindingSize / 16) * 16);
  const src = device.createBuffer({ label: 'calibration:src', size: bytes, usage: USAGE.STORAGE });
  const dst = device.createBuffer({ label: 'calibration:dst', size: bytes, usage: USAGE.STORAGE });
  try {
    const empty = await timePerDispatch(gpu, cache.pipeline('calibration: empty dispatch', emptyShader, [emptyLayout]),
      cache.bindGroup('calibration:empty', emptyLayout, [counter]), 1, 100, 3);
    const copy = await timePerDispatch(gpu, cache.pipeline('calibration: copy', copyShader, [copyLayout]),
      cache.bindGroup('calibration:copy', copyLayout, [src, dst]), 256, 2, 3);
    const dispatchSeconds = empty.seconds;
    const bytesPerSecond = (2 * bytes) / Math.max(copy.seconds - dispatchSeconds, copy.seconds / 2);
    return {
      dispatchSeconds, bytesPerSecond,
      basis: `measured here: chains of ${empty.count} dependent empty dispatches (${(dispatchSeconds * 1e6).toFixed(1)} us each) and of ${copy.count} copies of ${(bytes / 2 ** 20).toFixed(0)} MiB (${(bytesPerSecond / 1e9).toFixed(2)} GB/s read + written), medians of 3`,
    };
  } finally {
    counter.destroy(); src.destroy(); dst.destroy();
  }
}
