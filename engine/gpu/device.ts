/**
 * Acquires the WebGPU adapter and device: the environment's own `navigator.gpu` where there is one (a
 * browser, Deno), else Dawn through npm `webgpu` (Node), loaded on first use so that a browser bundle
 * of the engine never pulls it in. Dawn's instance returned by create() must stay referenced for the
 * life of the process: when it is garbage-collected the process crashes. It is kept in a module-level
 * variable and never released.
 */
import { AdapterError, SpecError } from '../errors.ts';
import { hostEnv } from '../util/host.ts';
import { parseAdapterList, pickAdapter, resolveAdapterIndex, type ListedAdapter } from './adapter-index.ts';

export const BACKENDS = ['vulkan', 'metal', 'd3d12', 'opengles'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface DeviceOptions {
  /** Backend to use; default: LAMINA_BACKEND, else Dawn's choice. */
  backend?: string;
  /** Adapter name (as printed by `lamina info`). */
  adapter?: string;
  /**
   * The K-th adapter Dawn offers (among those whose name contains `adapter`, when given); default:
   * LAMINA_ADAPTER_INDEX, else CUDA_VISIBLE_DEVICES as an index among NVIDIA adapters (adapter-index.ts).
   */
  adapterIndex?: number;
}

export interface Gpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: GPUAdapterInfo;
  backend: string;
  /** Set when the device is lost; every await in the runtime races against it. */
  lost: Promise<GPUDeviceLostInfo>;
  /** Uncaptured errors, for reporting (every operation in the runtime is also inside error scopes). */
  uncaptured: string[];
}

// Keeps Dawn's GPU instances alive for the whole process (see the file comment).
const instances: GPU[] = [];
const cache = new Map<string, Promise<Gpu>>();

const LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension', 'maxBindGroups', 'maxDynamicUniformBuffersPerPipelineLayout',
] as const;
export type LimitName = (typeof LIMITS)[number];

/** The backend a run will ask for (the option, else LAMINA_BACKEND); a SpecError if it is not one Dawn knows. */
export function resolveBackend(opts: DeviceOptions): string | undefined {
  const b = opts.backend ?? hostEnv('LAMINA_BACKEND') ?? undefined;
  if (b !== undefined && b !== '' && !(BACKENDS as readonly string[]).includes(b)) {
    throw new SpecError('backend', `unknown backend "${b}" (choose one of ${BACKENDS.join(', ')})`);
  }
  return b || undefined;
}

const FIX = 'Fix: on Debian/Ubuntu run `bash scripts/setup-gpu.sh` as root (installs Mesa >= 23 lavapipe, ' +
  'the software Vulkan driver; Debian 12 needs bookworm-backports), or install your GPU vendor\'s Vulkan driver. ' +
  'Check with `lamina info`.';

/** The environment's WebGPU, or a new Dawn instance (its globals installed) for these flags. */
async function webgpu(flags: string[]): Promise<GPU> {
  const own = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (own && flags.length === 0) return own;
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  if (env) env.XDG_RUNTIME_DIR ??= '/tmp';
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new AdapterError(`no WebGPU here: no navigator.gpu and the npm package "webgpu" (Dawn) cannot be loaded (${(e as Error).message})`);
  }
  Object.assign(globalThis, dawn.globals);
  try {
    return dawn.create(flags);
  } catch (e) {
    throw new AdapterError(`Dawn could not start (${flags.join(' ') || 'default backends'}): ${(e as Error).message}. ${FIX}`);
  }
}

/** Every adapter Dawn offers (on `backend`, when given), in its order: the list it rejects a name matching none with. */
async function listAdapters(backend: string | undefined): Promise<ListedAdapter[]> {
  const gpu = await webgpu([...(backend ? [`backend=${backend}`] : []), 'adapter=\u0001 no adapter has this name']);
  instances.push(gpu);
  try {
    await gpu.requestAdapter();
    return [];
  } catch (e) {
    return parseAdapterList((e as Error).message);
  }
}

async function open(opts: DeviceOptions): Promise<Gpu> {
  let backend = resolveBackend(opts);
  let adapterName = opts.adapter;
  const choice = resolveAdapterIndex(opts, hostEnv);
  const pick = choice && pickAdapter(await listAdapters(backend), choice);
  if (pick) ({ backend, name: adapterName } = pick);
  const flags: string[] = [];
  if (backend) flags.push(`backend=${backend}`);
  if (adapterName) flags.push(`adapter=${adapterName}`);
  const gpu = await webgpu(flags);
  instances.push(gpu);
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    const message = (e as Error).message;
    // Dawn lists the adapters it has when none matches the adapterName asked for: the adapterName is the problem, not the driver.
    if (adapterName && /Available adapters/.test(message)) throw new SpecError('adapter', `no adapter matches "${adapterName}" (${message.replace(/^.*?Available adapters:\s*/s, 'available: ').trim()})`);
    throw new AdapterError(`no WebGPU adapter (${message}); backends tried: ${backend ?? 'all Dawn supports here (vulkan, opengles)'}. ${FIX}`);
  }
  if (!adapter) {
    throw new AdapterError(`no WebGPU adapter found; backends tried: ${backend ?? 'all Dawn supports here (vulkan, opengles)'}${adapterName ? `, adapter "${adapterName}"` : ''}. ${FIX}`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) requiredLimits[name] = adapter.limits[name] as number;
  const requiredFeatures: GPUFeatureName[] = [];
  for (const f of ['timestamp-query', 'subgroups'] as GPUFeatureName[]) if (adapter.features.has(f)) requiredFeatures.push(f);
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'lamina' });
  const uncaptured: string[] = [];
  device.addEventListener('uncapturederror', (ev) => {
    uncaptured.push((ev as GPUUncapturedErrorEvent).error.message);
  });
  return { adapter, device, info: adapter.info, backend: backend ?? 'default', lost: device.lost, uncaptured };
}

/** A CPU adapter (lavapipe, SwiftShader): kernel shapes differ there (one SIMD lane per invocation). */
export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  return info.architecture === 'software' || info.isFallbackAdapter === true;
}

/** The shared device for these options (one per process and option set). */
export function acquireGpu(opts: DeviceOptions = {}): Promise<Gpu> {
  const key = [opts.backend ?? hostEnv('LAMINA_BACKEND'), opts.adapter, opts.adapterIndex ?? hostEnv('LAMINA_ADAPTER_INDEX'), hostEnv('CUDA_VISIBLE_DEVICES')].join('|');
  let p = cache.get(key);
  if (!p) {
    p = open(opts);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  backend: string;
  features: string[];
  limits: Record<string, number>;
}

export function adapterReport(gpu: Gpu): AdapterReport {
  const limits: Record<string, number> = {};
  for (const name of LIMITS) limits[name] = gpu.device.limits[name] as number;
  return {
    vendor: gpu.info.vendor, architecture: gpu.info.architecture, device: gpu.info.device,
    description: gpu.info.description, backend: gpu.backend,
    features: [...gpu.adapter.features].sort(), limits,
  };
}
