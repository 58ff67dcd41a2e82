import { describe, expect, it } from 'vitest';
import philoxWgsl from '../../shaders/lib/philox.wgsl';
import { KEY_HI, normalFromBits, philox4x32 } from '../../engine/util/philox.ts';
import { gpu, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';
import { readBuffer } from '../../engine/gpu/resources.ts';

// A probe kernel around the library: out[4i..4i+3] = philox((i, step, inst, 0), (seed, LAMI)), plus normals.
const PROBE = `${philoxWgsl}
@group(0) @binding(0) var<storage, read_write> bits: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> normals: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= arrayLength(&normals)) { return; }
  let b = philox4x32(vec4<u32>(gid.x, 12345u, 3u, 0u), vec2<u32>(987654321u, 0x4C414D49u));
  bits[gid.x] = b;
  normals[gid.x] = philox_normal(b);
}`;

describe('Philox on the GPU', () => {
  it('is bit-identical to the host twin; normals agree to float32 rounding and look Gaussian', async () => {
    const { device } = await gpu();
    const n = 4096;
    const [bits, normals] = await withoutValidationErrors(async () => {
      const bitsBuf = device.createBuffer({ size: n * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const normBuf = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: PROBE }), entryPoint: 'main' } });
      const bg = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: bitsBuf } }, { binding: 1, resource: { buffer: normBuf } }] });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(n / 64); pass.end();
      device.queue.submit([enc.finish()]);
      return [new Uint32Array(await readBuffer(device, bitsBuf, 0, n * 16)), new Float32Array(await readBuffer(device, normBuf, 0, n * 4))];
    });
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      const host = philox4x32(i, 12345, 3, 0, 987654321, KEY_HI);
      expect([...bits.subarray(4 * i, 4 * i + 4)]).toEqual([...host]);
      maxErr = Math.max(maxErr, Math.abs(normals[i] - normalFromBits(host[0], host[1])));
    }
    expect(maxErr).toBeLessThan(TOLERANCE.normal_abs);
    // KS test of the GPU normals against N(0,1) at alpha = 0.001.
    const sorted = Float64Array.from(normals).sort();
    const phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(sorted[i]) - i / n), Math.abs(phi(sorted[i]) - (i + 1) / n));
    expect(d).toBeLessThan(1.949 / Math.sqrt(n));
  });
});

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x), a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
