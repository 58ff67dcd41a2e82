/**
 * One cache of GPU objects per device, used by every kernel of every simulation and by the synapse
 * builder: bind-group layouts built from their declarations (engine/gpu/layouts.ts; never 'auto') and
 * compute pipelines keyed by their layouts and WGSL source, so a kernel is compiled once per device
 * whatever creates it. Workgroup counts and buffers are run data, outside the key.
 */
import { entry, STEP_STRIDE, type Binding } from './layouts.ts';

export class PipelineCache {
  private static readonly caches = new WeakMap<GPUDevice, PipelineCache>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly layoutKeys = new WeakMap<GPUBindGroupLayout, string>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  private constructor(readonly device: GPUDevice) {}

  /** The device's cache. */
  static of(device: GPUDevice): PipelineCache {
    let c = PipelineCache.caches.get(device);
    if (!c) PipelineCache.caches.set(device, (c = new PipelineCache(device)));
    return c;
  }

  /** The bind-group layout of a declared binding list (shared by every list of the same kinds). */
  layout(bindings: readonly Binding[], label: string): GPUBindGroupLayout {
    const key = bindings.map((b) => b.kind).join(',');
    let l = this.layouts.get(key);
    if (!l) {
      l = this.device.createBindGroupLayout({ label, entries: bindings.map((b, i) => entry(i, b.kind)) });
      this.layouts.set(key, l);
      this.layoutKeys.set(l, key);
    }
    return l;
  }

  /** A compute pipeline (entry point `main`) of `code` over `layouts`, compiled on the first request only. */
  pipeline(label: string, code: string, layouts: GPUBindGroupLayout[]): GPUComputePipeline {
    const key = `${layouts.map((l) => this.layoutKeys.get(l) ?? '?').join('|')}\n${code}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        label,
        layout: this.device.createPipelineLayout({ label, bindGroupLayouts: layouts }),
        compute: { module: this.device.createShaderModule({ label, code }), entryPoint: 'main' },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** A bind group of whole buffers in binding order; binding 0 is StepInfo window `stepSlot` of the step buffer when given. */
  bindGroup(label: string, layout: GPUBindGroupLayout, buffers: GPUBuffer[], stepSlot?: number): GPUBindGroup {
    const step = (buffer: GPUBuffer) => ({ buffer, offset: stepSlot! * STEP_STRIDE, size: STEP_STRIDE });
    return this.device.createBindGroup({
      label, layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: stepSlot !== undefined && binding === 0 ? step(buffer) : { buffer } })),
    });
  }

  /**
   * Group 0 of every step slot of a chunk, built once: group s binds StepInfo window s of the step buffer
   * (buffers[0]) at a static offset, so no dispatch carries a dynamic offset.
   */
  stepGroups(label: string, layout: GPUBindGroupLayout, buffers: GPUBuffer[], chunkSteps: number): GPUBindGroup[] {
    return Array.from({ length: chunkSteps }, (_, s) => this.bindGroup(`${label} (step slot ${s})`, layout, buffers, s));
  }
}

/** Splits a 1-D workgroup count into (x, y) within the per-dimension limit; kernels flatten it back. */
export function grid(count: number, device: GPUDevice): [number, number, number] {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  if (count <= max) return [Math.max(count, 1), 1, 1];
  return [max, Math.ceil(count / max), 1];
}
