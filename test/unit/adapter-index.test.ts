/**
 * GPU selection by index without a GPU: where the index comes from (option, LAMINA_ADAPTER_INDEX,
 * CUDA_VISIBLE_DEVICES), Dawn's adapter list as its error message gives it, and which listed adapter an
 * index selects (or why it cannot).
 */
import { describe, expect, it } from 'vitest';
import { parseAdapterList, pickAdapter, resolveAdapterIndex, type ListedAdapter } from '../../engine/gpu/adapter-index.ts';
import { refusal } from '../spec-error.ts';

const env = (vars: Record<string, string>) => (name: string) => vars[name];

// The message Dawn (npm webgpu 0.6.2) rejects `adapter=NAME` with when no adapter's name contains NAME (measured here on lavapipe).
const LAVAPIPE = "no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'";
const NODE: ListedAdapter[] = [
  { backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3' },
  { backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3' },
  { backend: 'vulkan', name: 'NVIDIA A100' },
  { backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
];

describe('the adapter index asked for', () => {
  it('is the option first, then LAMINA_ADAPTER_INDEX, then CUDA_VISIBLE_DEVICES (among NVIDIA adapters)', () => {
    const all = env({ LAMINA_ADAPTER_INDEX: '2', CUDA_VISIBLE_DEVICES: '3' });
    expect(resolveAdapterIndex({ adapterIndex: 1 }, all)).toEqual({ index: 1, source: 'adapter-index', among: undefined });
    expect(resolveAdapterIndex({}, all)).toEqual({ index: 2, source: 'adapter-index', among: undefined });
    expect(resolveAdapterIndex({}, env({ CUDA_VISIBLE_DEVICES: '3' }))).toEqual({ index: 3, source: 'CUDA_VISIBLE_DEVICES', among: 'NVIDIA' });
    expect(resolveAdapterIndex({}, env({}))).toBeUndefined();
  });

  it('counts among the adapters named like --adapter', () => {
    expect(resolveAdapterIndex({ adapter: 'H100', adapterIndex: 1 }, env({}))).toEqual({ index: 1, source: 'adapter-index', among: 'H100' });
    expect(resolveAdapterIndex({ adapter: 'H100' }, env({ LAMINA_ADAPTER_INDEX: ' 0 ' }))).toEqual({ index: 0, source: 'adapter-index', among: 'H100' });
  });

  it('takes the first whole number of CUDA_VISIBLE_DEVICES, and ignores UUIDs, empty values and an explicit --adapter', () => {
    expect(resolveAdapterIndex({}, env({ CUDA_VISIBLE_DEVICES: '2,3' }))?.index).toBe(2);
    expect(resolveAdapterIndex({}, env({ CUDA_VISIBLE_DEVICES: 'GPU-8f6c2d1e-0b1a-4c3e-9d2f-5a6b7c8d9e0f' }))).toBeUndefined();
    expect(resolveAdapterIndex({}, env({ CUDA_VISIBLE_DEVICES: '' }))).toBeUndefined();
    expect(resolveAdapterIndex({}, env({ CUDA_VISIBLE_DEVICES: '-1' }))).toBeUndefined();
    expect(resolveAdapterIndex({ adapter: 'llvmpipe' }, env({ CUDA_VISIBLE_DEVICES: '1' }))).toBeUndefined();
  });

  it.each([['-1'], ['1.5'], ['one'], ['01']])('refuses LAMINA_ADAPTER_INDEX=%s naming it', (v) => {
    expect(refusal(() => resolveAdapterIndex({}, env({ LAMINA_ADAPTER_INDEX: v }))).message).toMatch(/^adapter-index: LAMINA_ADAPTER_INDEX \(--adapter-index\) must be a whole number/);
  });

  it('refuses an option that is not a whole number', () => {
    expect(refusal(() => resolveAdapterIndex({ adapterIndex: -1 }, env({}))).field).toBe('adapter-index');
    expect(refusal(() => resolveAdapterIndex({ adapterIndex: 0.5 }, env({}))).field).toBe('adapter-index');
  });
});

describe("Dawn's adapter list", () => {
  it('is read from the message Dawn rejects an unknown name with', () => {
    expect(parseAdapterList(LAVAPIPE)).toEqual([{ backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' }]);
    expect(parseAdapterList("no adapter with backend 'vulkan' and name 'x' found\nAvailable adapters:\n * backend: 'vulkan', name: 'A'\n * backend: 'opengles', name: 'B'"))
      .toEqual([{ backend: 'vulkan', name: 'A' }, { backend: 'opengles', name: 'B' }]);
    expect(parseAdapterList('Dawn could not start')).toEqual([]);
  });
});

describe('the adapter an index selects', () => {
  it('is the K-th listed (among --adapter matches), when its name reaches it first', () => {
    expect(pickAdapter(NODE, { index: 0, source: 'adapter-index' })).toBe(NODE[0]);
    expect(pickAdapter(NODE, { index: 2, source: 'adapter-index' })).toBe(NODE[2]);
    expect(pickAdapter(NODE, { index: 3, source: 'adapter-index' })).toBe(NODE[3]);
    expect(pickAdapter(NODE, { index: 0, source: 'adapter-index', among: 'llvmpipe' })).toBe(NODE[3]);
    expect(pickAdapter(NODE, { index: 2, source: 'CUDA_VISIBLE_DEVICES', among: 'NVIDIA' })).toBe(NODE[2]);
  });

  it('past the list is refused, listing the adapters', () => {
    const e = refusal(() => pickAdapter(parseAdapterList(LAVAPIPE), { index: 1, source: 'adapter-index' }));
    expect(e.message).toBe("adapter-index: no adapter 1; Dawn offers 0: 'llvmpipe (LLVM 15.0.6, 256 bits)' (vulkan)");
    expect(refusal(() => pickAdapter(NODE, { index: 1, source: 'adapter-index', among: 'llvmpipe' })).message).toContain("no adapter 1 of those named 'llvmpipe'");
  });

  it("a second adapter of one name is refused (Dawn's bindings select by name), saying what works instead", () => {
    const e = refusal(() => pickAdapter(NODE, { index: 1, source: 'adapter-index' }));
    expect(e.message).toContain("adapter 1 is 'NVIDIA H100 80GB HBM3' (vulkan), but adapter 0 has that name too");
    expect(e.message).toContain('ConstrainDevices=yes');
    // An earlier name that contains this one reaches first too.
    expect(() => pickAdapter([{ backend: 'vulkan', name: 'GPU X2' }, { backend: 'vulkan', name: 'GPU X' }], { index: 1, source: 'adapter-index' })).toThrow(/adapter 0 has that name too/);
    expect(refusal(() => pickAdapter(NODE, { index: 1, source: 'CUDA_VISIBLE_DEVICES', among: 'NVIDIA' })).field).toBe('CUDA_VISIBLE_DEVICES');
  });

  it('CUDA_VISIBLE_DEVICES is ignored where Dawn lists no NVIDIA adapter', () => {
    expect(pickAdapter(parseAdapterList(LAVAPIPE), { index: 0, source: 'CUDA_VISIBLE_DEVICES', among: 'NVIDIA' })).toBeUndefined();
  });
});
