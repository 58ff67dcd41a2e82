/**
 * Dense rate-network step benchmark: x += dt/tau (-x + W tanh(x) + I), float32, forward Euler, for
 * N x B sizes. Each sample runs K steps (several submissions, many steps each) and waits for GPU
 * completion; warm-up excluded; microseconds per step reported as median and spread over repeats
 * (tinybench). Also measures the device's copy bandwidth with a WGSL copy kernel.
 *   node dist/bench.mjs [--sizes 1024,4096,8192] [--batches 1,64] [--repeats 15] [--json FILE]
 *     [--target-ms 100] [--min-steps 16] [--copy-mib MiB] [--backend B] [--gemm-kernel tiled,register]
 *     [--gemm-tunings JSON]
 * --gemm-kernel times each named GEMM kernel side by side (one row each) for batches above 8;
 * --gemm-tunings does the same for a JSON list of KernelTuning objects (GEMM shapes).
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import copyShader from '../shaders/bench-copy.wgsl';
import { acquireGpu, adapterReport, type Gpu } from '../engine/gpu/device.ts';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../engine/run/rate-context.ts';
import emptyShader from '../shaders/bench-empty.wgsl';
import { header, saveJson } from './harness.ts';
import { denseRateNetwork } from './networks.ts';

interface Row {
  N: number; B: number; tuning: KernelTuning; steps_per_sample: number; repeats: number;
  us_per_step_median: number; us_per_step_min: number; us_per_step_max: number; us_per_step_mad: number;
  gflops: number; weight_GBps: number; kernels: string[];
}

async function timeSamples(fn: () => Promise<void>, repeats: number): Promise<{ median: number; min: number; max: number; mad: number }> {
  const bench = new Bench({ iterations: repeats, time: 0, warmupIterations: 2, warmupTime: 0, retainSamples: false });
  bench.add('sample', fn);
  await bench.run();
  const lat = bench.tasks[0].result as unknown as { latency: { p50: number; min: number; max: number; mad: number } };
  if (!lat.latency) throw new Error(`benchmark failed: ${JSON.stringify(bench.tasks[0].result)}`);
  return { median: lat.latency.p50, min: lat.latency.min, max: lat.latency.max, mad: lat.latency.mad };
}

/** Samples of `count` dispatches of one pipeline in one compute pass, each sample timed to GPU completion. */
function timePass(device: GPUDevice, pipeline: GPUComputePipeline, bg: GPUBindGroup, count: number, workgroups: number, repeats: number) {
  return timeSamples(async () => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    for (let k = 0; k < count; k++) pass.dispatchWorkgroups(workgroups);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  }, repeats);
}

async function copyBandwidth(gpu: Gpu, bytes: number, repeats: number): Promise<{ GBps_median: number; GBps_min: number; GBps_max: number; bytes: number }> {
  const { device } = gpu;
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const threads = 256 * 2048;
  const pipeline = device.createComputePipeline({
    layout: 'auto', compute: { module: device.createShaderModule({ code: copyShader }), entryPoint: 'main', constants: { THREADS: threads } },
  });
  const bg = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
  const reps = 20;
  const t = await timePass(device, pipeline, bg, reps, threads / 256, repeats);
  src.destroy(); dst.destroy();
  const gb = (2 * bytes * reps) / 1e9;
  return { GBps_median: gb / (t.median / 1e3), GBps_min: gb / (t.max / 1e3), GBps_max: gb / (t.min / 1e3), bytes };
}

/** Microseconds per dispatch of an empty kernel, 1000 dependent dispatches in one pass. */
async function dispatchOverhead(gpu: Gpu, repeats: number): Promise<number> {
  const { device } = gpu;
  const buf = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: emptyShader }), entryPoint: 'main' } });
  const bg = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] });
  const n = 1000;
  const t = await timePass(device, pipeline, bg, n, 1, repeats);
  buf.destroy();
  return (t.median * 1e3) / n;
}

async function main() {
  const { values: o } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1024,4096,8192' }, batches: { type: 'string', default: '1,64' },
      repeats: { type: 'string', default: '15' }, json: { type: 'string' }, 'copy-mib': { type: 'string' },
      'target-ms': { type: 'string', default: '100' }, sweep: { type: 'boolean' }, 'matvec-tpr': { type: 'string' }, 'gemm-tk': { type: 'string' }, 'gemm-kernel': { type: 'string' }, 'gemm-tunings': { type: 'string' }, 'min-steps': { type: 'string', default: '16' }, backend: { type: 'string' },
    },
  });
  const sizes = o.sizes!.split(',').map(Number);
  const batches = o.batches!.split(',').map(Number);
  const repeats = Number(o.repeats);
  const gpu = await acquireGpu({ backend: o.backend });
  const adapter = adapterReport(gpu);
  const copyBytes = Number(o['copy-mib'] ?? Math.min(256, adapter.limits.maxStorageBufferBindingSize / 2 ** 21)) * 2 ** 20;
  const copy = await copyBandwidth(gpu, copyBytes, repeats);
  console.error(`copy bandwidth: ${copy.GBps_median.toFixed(1)} GB/s (median; ${copy.GBps_min.toFixed(1)}-${copy.GBps_max.toFixed(1)})`);
  const overhead = await dispatchOverhead(gpu, repeats);
  console.error(`dependent empty dispatches: ${overhead.toFixed(2)} us each (median)`);
  const rows: Row[] = [];
  const variants = (B: number): KernelTuning[] => {
    if (o['matvec-tpr'] && B <= 8) return [{ matvecThreadsPerRow: Number(o['matvec-tpr']) }];
    if (o['gemm-tunings'] && B > 8) return JSON.parse(o['gemm-tunings']) as KernelTuning[];
    if (o['gemm-kernel'] && B > 8) return o['gemm-kernel'].split(',').map((k) => ({ gemmKernel: k as 'tiled' | 'register' }));
    if (o['gemm-tk'] && B > 8) return o['gemm-tk'].split(',').map((k) => ({ gemmTileK: Number(k) as 8 | 16 | 32 }));
    if (!o.sweep) return [{}];
    return B <= 8
      ? [64, 128, 256].map((t) => ({ matvecThreadsPerRow: t }))
      : [[256, 128], [1024, 128], [1024, 64], [4096, 64], [1024, 256]].map(([w, k]) => ({ gemmTargetWorkgroups: w, gemmMinKSlice: k }));
  };
  for (const N of sizes) {
    for (const B of batches) for (const tuning of variants(B)) {
      const sim = await RateSimulation.create(denseRateNetwork(N, B), { chunkSteps: 100, tuning });
      // Steps per sample: doubled until one sample takes at least target-ms, so that the fixed cost of
      // waiting for completion is amortized over many steps.
      let K = Number(o['min-steps']);
      for (;;) {
        const t0 = performance.now();
        await sim.stepsToCompletion(K);
        if (performance.now() - t0 >= Number(o['target-ms']) || K >= 20000) break;
        K *= 2;
      }
      const t = await timeSamples(() => sim.stepsToCompletion(K), repeats);
      const us = (ms: number) => (ms * 1e3) / K;
      const row: Row = {
        N, B, tuning, steps_per_sample: K, repeats,
        us_per_step_median: us(t.median), us_per_step_min: us(t.min), us_per_step_max: us(t.max), us_per_step_mad: us(t.mad),
        gflops: (2 * N * N * B) / (us(t.median) * 1e3), weight_GBps: (4 * N * N) / (us(t.median) * 1e3),
        kernels: sim.kernelNames.map((k) => k.name),
      };
      const { state } = await sim.read();
      if (!state.every(Number.isFinite)) throw new Error(`N=${N} B=${B}: state is not finite`);
      rows.push(row);
      console.error(`N=${N} B=${B} ${JSON.stringify(tuning)}: ${row.us_per_step_median.toFixed(2)} us/step (min ${row.us_per_step_min.toFixed(2)}, max ${row.us_per_step_max.toFixed(2)}), ${row.gflops.toFixed(1)} GFLOP/s, W ${row.weight_GBps.toFixed(1)} GB/s [${row.kernels.join('+')}, K=${K}]`);
      sim.destroy();
    }
  }
  const out = { ...header('dense-rate-step'), adapter, copy_bandwidth: copy, empty_dispatch_us: overhead, results: rows };
  saveJson(o.json, out);
  console.log('| N | B | kernel shape | us/step median | min | max | MAD | GFLOP/s | W GB/s | % of copy BW |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.N} | ${r.B} | ${Object.entries(r.tuning).map(([k, v]) => `${k}=${v}`).join(' ') || 'default'} | ${r.us_per_step_median.toFixed(2)} | ${r.us_per_step_min.toFixed(2)} | ${r.us_per_step_max.toFixed(2)} | ${r.us_per_step_mad.toFixed(2)} | ${r.gflops.toFixed(1)} | ${r.weight_GBps.toFixed(1)} | ${((100 * r.weight_GBps) / copy.GBps_median).toFixed(0)}% |`);
  }
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
