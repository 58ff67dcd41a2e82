/**
 * Microbenchmark of matrix-vector layouts and load kinds for the dense rate step at B = 1 (y = W r, N x N
 * float32) on the adapter at hand: each variant is dispatched `--dispatches` times in one compute pass
 * per submission (every dispatch writes y, so Dawn puts a barrier between them), the submission waited
 * on; per dispatch: the wall time (median [min - max] of `--rounds` rounds, variants in rotating order)
 * and the CPU time of every thread but the main one (lavapipe's workers: the work itself, which the
 * shared machine's load does not inflate as it does the wall time). An empty kernel of each grid
 * (`empty-NAME`: y[i] = r[i]) gives the fixed cost of a dispatch; timestamp queries are not used.
 *   row            one row per invocation, W row-major as vec4, r as vec4 (adjacent invocations on
 *                  different rows)
 *   row-scalar-r   the same with r as four scalar loads: the loads of synapse-dense at TPR = 1
 *   row-tprK       K invocations share a row (vec4 loads along it), fixed-order tree in workgroup memory
 *   colT-wgG       W transposed: invocation i reads WT[j N + i], adjacent invocations adjacent words
 *   colT4-wgG      W transposed, 4 rows per invocation as one vec4; colT4-shared: r in workgroup memory
 *   uni-gG         G workgroups of one invocation: every address uniform within the workgroup
 *   rowsR-wgG      R rows per invocation, one vec4 of r (storage) serving R rows; rowsRs: r as scalar
 *                  loads; rowsRw: r staged in workgroup memory (the loads of synapse-dense-rows)
 *   copy, ubo-copy, tex-copy, shared-copy   16 vec4 loads per invocation from a storage buffer, a uniform
 *                  buffer, an rgba32float texture, workgroup memory (N*N floats in all, except the
 *                  uniform buffer: 64 KiB, read N*N/16384 times); alu: the same grid, no loads
 *   texT4-wgG, tex-row, rows8t-wg32   colT4, row and rows8w with W in a texture
 *   node dist/matvec-micro.mjs [--n 1024] [--dispatches 200] [--rounds 5] [--only a,b]
 */
import { parseArgs } from 'node:util';
import { acquireGpu } from '../engine/gpu/device.ts';
import { USAGE } from '../engine/gpu/resources.ts';
import { otherThreadsCpu, stats } from './harness.ts';

const { values: o } = parseArgs({ options: {
  n: { type: 'string', default: '1024' }, dispatches: { type: 'string', default: '200' }, rounds: { type: 'string', default: '5' }, only: { type: 'string' },
} });
const N = Number(o.n), D = Number(o.dispatches), rounds = Number(o.rounds);
const gpu = await acquireGpu();
const { device } = gpu;
console.error(`adapter: ${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`);

const HEAD = `const N = ${N}u;
@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> w4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> r4: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> y4: array<vec4<f32>>;
@group(0) @binding(6) var wt: texture_2d<f32>;
@group(0) @binding(7) var wtT: texture_2d<f32>;
@group(0) @binding(8) var<uniform> u4: array<vec4<f32>, 4096>;
`;

interface Variant { name: string; wg: number; groups: number; body: string }

const variants: Variant[] = [];
const empty = (v: Variant): Variant => ({ name: `empty-${v.name}`, wg: v.wg, groups: v.groups, body: `
@compute @workgroup_size(${v.wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i < N) { y[i] = r[i]; }
}` });
const add = (v: Variant) => { variants.push(v); variants.push(empty(v)); };
// Current kernel at TPR = 1: W row-major as vec4, one row per invocation.
add({ name: 'row', wg: 256, groups: Math.ceil(N / 256), body: `
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < N / 4u; k++) { acc += dot(w4[i * (N / 4u) + k], r4[k]); }
  y[i] = acc;
}` });
for (const tpr of [8, 32, 64]) {
  const wg = 256, rows = wg / tpr;
  add({ name: `row-tpr${tpr}`, wg, groups: Math.ceil(N / rows), body: `
var<workgroup> part: array<f32, ${wg}>;
@compute @workgroup_size(${wg}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let lane = lid % ${tpr}u; let i = wid.x * ${rows}u + lid / ${tpr}u;
  var acc = 0.0;
  if (i < N) { for (var k = lane; k < N / 4u; k += ${tpr}u) { acc += dot(w4[i * (N / 4u) + k], r4[k]); } }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${tpr / 2}u; s > 0u; s = s / 2u) { if (lane < s) { part[lid] += part[lid + s]; } workgroupBarrier(); }
  if (lane == 0u && i < N) { y[i] = part[lid]; }
}` });
}
for (const wg of [64, 256]) {
  add({ name: `colT-wg${wg}`, wg, groups: Math.ceil(N / wg), body: `
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N) { return; }
  var acc = 0.0;
  for (var j = 0u; j < N; j++) { acc += w[j * N + i] * r[j]; }
  y[i] = acc;
}` });
}
for (const wg of [32, 64, 128]) {
  add({ name: `colT4-wg${wg}`, wg, groups: Math.ceil(N / 4 / wg), body: `
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N / 4u) { return; }
  var acc = vec4<f32>();
  for (var j = 0u; j < N; j++) { acc += w4[j * (N / 4u) + i] * r[j]; }
  y4[i] = acc;
}` });
}
add({ name: 'colT4-shared', wg: 64, groups: Math.ceil(N / 4 / 64), body: `
var<workgroup> rs: array<f32, N>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  for (var j = lid; j < N; j += 64u) { rs[j] = r[j]; }
  workgroupBarrier();
  let i = gid.x;
  var acc = vec4<f32>();
  if (i < N / 4u) { for (var j = 0u; j < N; j++) { acc += w4[j * (N / 4u) + i] * rs[j]; } y4[i] = acc; }
}` });

for (const g of [2, 4, 8, 16, 64]) {
  // One invocation per workgroup: every index depends only on workgroup_id and the loops (uniform loads).
  add({ name: `uni-g${g}`, wg: 1, groups: g, body: `
@compute @workgroup_size(1) fn main(@builtin(workgroup_id) wid: vec3<u32>) {
  for (var i = wid.x; i < N; i += ${g}u) {
    var acc = 0.0;
    for (var k = 0u; k < N / 4u; k++) { acc += dot(w4[i * (N / 4u) + k], r4[k]); }
    y[i] = acc;
  }
}` });
}
add({ name: 'copy', wg: 64, groups: N * N / 4 / 64 / 16, body: `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc = vec4<f32>();
  for (var q = 0u; q < 16u; q++) { acc += w4[gid.x * 16u + q]; }
  y4[gid.x % (N / 4u)] = acc;
}` });
add({ name: 'alu', wg: 64, groups: N * N / 4 / 64 / 16, body: `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc = vec4<f32>(f32(gid.x));
  for (var q = 0u; q < 16u; q++) { acc = acc * 0.999 + vec4<f32>(f32(q)); }
  y4[gid.x % (N / 4u)] = acc;
}` });
// W as an rgba32float texture, N/4 texels wide, N rows (texel (k, i) = W[i, 4k..4k+3]).
add({ name: 'tex-copy', wg: 64, groups: N * N / 4 / 64 / 16, body: `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc = vec4<f32>();
  let t = gid.x * 16u;
  for (var q = 0u; q < 16u; q++) { let f = t + q; acc += textureLoad(wt, vec2<u32>(f % (N / 4u), f / (N / 4u)), 0); }
  y4[gid.x % (N / 4u)] = acc;
}` });
add({ name: 'tex-row', wg: 256, groups: Math.ceil(N / 256), body: `
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < N / 4u; k++) { acc += dot(textureLoad(wt, vec2<u32>(k, i), 0), r4[k]); }
  y[i] = acc;
}` });
// Transposed texture: texel (i, j) = W[4i..4i+3, j] (N/4 wide, N high). Invocation i: rows 4i..4i+3.
for (const wg of [16, 32, 64]) add({ name: `texT4-wg${wg}`, wg, groups: Math.ceil(N / 4 / wg), body: `
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N / 4u) { return; }
  var acc = vec4<f32>();
  for (var k = 0u; k < N / 4u; k++) {
    let rv = r4[k];
    let j = 4u * k;
    acc += textureLoad(wtT, vec2<u32>(i, j), 0) * rv.x + textureLoad(wtT, vec2<u32>(i, j + 1u), 0) * rv.y
         + textureLoad(wtT, vec2<u32>(i, j + 2u), 0) * rv.z + textureLoad(wtT, vec2<u32>(i, j + 3u), 0) * rv.w;
  }
  y4[i] = acc;
}` });
add({ name: 'shared-copy', wg: 64, groups: N * N / 4 / 64 / 16, body: `
var<workgroup> sh: array<vec4<f32>, 1024>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  sh[lid] = vec4<f32>(f32(lid));
  workgroupBarrier();
  var acc = vec4<f32>();
  for (var q = 0u; q < 16u; q++) { acc += sh[(lid * 16u + q) % 1024u]; }
  y4[gid.x % (N / 4u)] = acc;
}` });
add({ name: 'ubo-copy', wg: 64, groups: N * N / 4 / 64 / 16, body: `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var acc = vec4<f32>();
  for (var q = 0u; q < 16u; q++) { acc += u4[(gid.x * 16u + q) % 4096u]; }
  y4[gid.x % (N / 4u)] = acc;
}` });
// The multi-dispatch kernel's loads at TPR = 1: W as vec4, r as four scalar loads.
add({ name: 'row-scalar-r', wg: 256, groups: Math.ceil(N / 256), body: `
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x; if (i >= N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < N / 4u; k++) { let j = 4u * k; acc += dot(w4[i * (N / 4u) + k], vec4<f32>(r[j], r[j + 1u], r[j + 2u], r[j + 3u])); }
  y[i] = acc;
}` });
// R consecutive rows per invocation: one vec4 of r serves R rows.
for (const R of [2, 4, 8]) for (const wg of [16, 32, 64]) {
  if (N / R / wg < 2) continue;
  const rows = Array.from({ length: R }, (_, q) => q);
  add({ name: `rows${R}-wg${wg}`, wg, groups: Math.ceil(N / R / wg), body: `
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i0 = gid.x * ${R}u; if (i0 >= N) { return; }
  ${rows.map((q) => `var a${q} = 0.0;`).join(' ')}
  for (var k = 0u; k < N / 4u; k++) {
    let rv = r4[k];
    ${rows.map((q) => `a${q} += dot(w4[(i0 + ${q}u) * (N / 4u) + k], rv);`).join('\n    ')}
  }
  ${rows.map((q) => `y[i0 + ${q}u] = a${q};`).join(' ')}
}` });
}
// R rows per invocation with r read as four scalar loads (rate_in is array<f32>), or staged once per
// workgroup into workgroup memory as vec4s.
for (const R of [4, 8]) for (const wg of [32]) {
  const rows = Array.from({ length: R }, (_, q) => q);
  const inner = (rv: string) => `
  ${rows.map((q) => `var a${q} = 0.0;`).join(' ')}
  for (var k = 0u; k < N / 4u; k++) {
    let rv = ${rv};
    ${rows.map((q) => `a${q} += dot(w4[(i0 + ${q}u) * (N / 4u) + k], rv);`).join('\n    ')}
  }
  if (i0 < N) { ${rows.map((q) => `y[i0 + ${q}u] = a${q};`).join(' ')} }`;
  add({ name: `rows${R}s-wg${wg}`, wg, groups: Math.ceil(N / R / wg), body: `
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i0 = min(gid.x * ${R}u, N - ${R}u);${inner('vec4<f32>(r[4u * k], r[4u * k + 1u], r[4u * k + 2u], r[4u * k + 3u])')}
}` });
  add({ name: `rows${R}w-wg${wg}`, wg, groups: Math.ceil(N / R / wg), body: `
var<workgroup> rw: array<vec4<f32>, N / 4u>;
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  for (var k = lid; k < N / 4u; k += ${wg}u) { rw[k] = vec4<f32>(r[4u * k], r[4u * k + 1u], r[4u * k + 2u], r[4u * k + 3u]); }
  workgroupBarrier();
  let i0 = min(gid.x * ${R}u, N - ${R}u);${inner('rw[k]')}
}` });
}
// rows8w with W read from the rgba32float texture (texel (k, i) = W[i, 4k..4k+3]).
add({ name: 'rows8t-wg32', wg: 32, groups: Math.ceil(N / 8 / 32), body: `
var<workgroup> rw: array<vec4<f32>, N / 4u>;
@compute @workgroup_size(32) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  for (var k = lid; k < N / 4u; k += 32u) { rw[k] = vec4<f32>(r[4u * k], r[4u * k + 1u], r[4u * k + 2u], r[4u * k + 3u]); }
  workgroupBarrier();
  let i0 = min(gid.x * 8u, N - 8u);
  ${Array.from({ length: 8 }, (_, q) => `var a${q} = 0.0;`).join(' ')}
  for (var k = 0u; k < N / 4u; k++) {
    let rv = rw[k];
    ${Array.from({ length: 8 }, (_, q) => `a${q} += dot(textureLoad(wt, vec2<u32>(k, i0 + ${q}u), 0), rv);`).join('\n    ')}
  }
  ${Array.from({ length: 8 }, (_, q) => `y[i0 + ${q}u] = a${q};`).join(' ')}
}` });
const chosen = o.only ? variants.filter((v) => o.only!.split(',').some((p) => v.name === p || v.name === `empty-${p}`)) : variants;
const buf = (bytes: number, data?: Float32Array<ArrayBuffer>) => {
  const b = device.createBuffer({ size: bytes, usage: USAGE.STORAGE | USAGE.COPY_DST });
  if (data) device.queue.writeBuffer(b, 0, data);
  return b;
};
const W = new Float32Array(N * N).map(() => Math.random() - 0.5);
const R = new Float32Array(N).map(() => Math.random());
const uBuf = device.createBuffer({ size: 65536, usage: USAGE.UNIFORM | USAGE.COPY_DST });
device.queue.writeBuffer(uBuf, 0, W.subarray(0, 16384));
const wBuf = buf(N * N * 4, W), rBuf = buf(N * 4, R), yBuf = buf(N * 4), yBuf4 = buf(N * 4);
const tex = (data: Float32Array<ArrayBuffer>) => {
  const t = device.createTexture({ size: [N / 4, N], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: t }, data, { bytesPerRow: N * 4 }, [N / 4, N]);
  return t;
};
// WT4: texel (i, j) = W[4i..4i+3, j]: row j of the texture is column j of W.
const WT = new Float32Array(N * N);
for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) WT[j * N + i] = W[i * N + j];
const wTex = tex(W), wTexT = tex(WT);
const layout = device.createBindGroupLayout({ entries: [
  ...[0, 1, 2, 3, 4, 5].map((binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: binding === 2 || binding === 5 ? 'storage' : 'read-only-storage' } as GPUBufferBindingLayout })),
  { binding: 8, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
  ...[6, 7].map((binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'unfilterable-float' as GPUTextureSampleType } })),
] });
const group = device.createBindGroup({ layout, entries: [...[wBuf, rBuf, yBuf, wBuf, rBuf, yBuf4].map((buffer, binding) => ({ binding, resource: { buffer } })), { binding: 6, resource: wTex.createView() }, { binding: 7, resource: wTexT.createView() }, { binding: 8, resource: { buffer: uBuf } }] });
const pipelines = chosen.map((v) => device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module: device.createShaderModule({ code: HEAD + v.body }), entryPoint: 'main' } }));

const cpu: number[][] = [];
async function time(k: number, count: number): Promise<number> {
  const c0 = otherThreadsCpu();
  const t0 = performance.now();
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipelines[k]);
  pass.setBindGroup(0, group);
  for (let d = 0; d < count; d++) pass.dispatchWorkgroups(chosen[k].groups);
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  (cpu[k] ??= []).push(((otherThreadsCpu() - c0) * 1e6) / count);
  return ((performance.now() - t0) * 1000) / count;
}
for (let k = 0; k < chosen.length; k++) await time(k, 2);
const times = chosen.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) for (let q = 0; q < chosen.length; q++) { const k = (q + r) % chosen.length; times[k].push(await time(k, D)); }
console.log(`N = ${N}, ${D} dispatches per submission, ${rounds} rounds; wall us per dispatch, median [min - max]; worker CPU us per dispatch (all threads but the main one), median; GB/s of W at the median wall time`);
for (const c of cpu) c.splice(0, 1); // the warm-up
for (const [k, v] of chosen.entries()) {
  const s = stats(times[k]);
  const gbs = v.name.startsWith('empty') ? '' : `  ${((N * N * 4) / (s.median * 1e3)).toFixed(1)} GB/s`;
  console.log(`${v.name.padEnd(22)} ${String(v.groups).padStart(4)} x ${String(v.wg).padStart(3)}  ${s.median.toFixed(1).padStart(8)} [${s.min.toFixed(1)} - ${s.max.toFixed(1)}]  cpu ${stats(cpu[k]).median.toFixed(0).padStart(6)}${gbs}`);
}
process.exit(0);
