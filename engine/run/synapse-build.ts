/**
 * Stored connectivity laid out for event-driven propagation: for each presynaptic population, the merged
 * rows (all its stored projections) split into parts that each fit one storage binding. Synapses of
 * fixed-total and fixed-indegree projections are generated on the GPU (build-count, then build-place);
 * host-built ones (fixed-probability, explicit) are uploaded into the start of their rows.
 */
import { buildWgsl } from '../codegen/build.ts';
import type { Constants } from '../codegen/wgsl.ts';
import { SpecError } from '../errors.ts';
import { BUILD_GROUP0, type BuildKernel } from '../gpu/layouts.ts';
import { PipelineCache } from '../gpu/pipelines.ts';
import { createBuffer, guardGpu, readBuffer, STORAGE, USAGE } from '../gpu/resources.ts';
import type { Gpu } from '../gpu/device.ts';
import type { SpikingPlan, SpikingPopPlan } from '../plan/spiking.ts';
import { genInfo } from '../reference/synapse-build.ts';

/** One part of the network-wide rows [row0, row1), with its own buffers (each fits one binding). */
export interface RowPart {
  row0: number;
  row1: number;
  rowPtr: GPUBuffer;
  target: GPUBuffer;
  wq: GPUBuffer;
  delayPop: GPUBuffer;
  synapses: number;
}

/**
 * Every stored synapse of the network by presynaptic neuron: the rows of population pres[k].pop start at
 * pres[k].rowBase (populations with stored outgoing synapses only, in population order).
 */
export interface BuiltSynapses {
  pres: { pop: SpikingPopPlan; rowBase: number }[];
  names: string[];
  parts: RowPart[];
  synapses: number;
}

/**
 * Builds the stored synapses on the GPU: counts rows (host-built rows plus build-count), scans them on the
 * host, splits the rows into parts of at most `maxBindingBytes` per array, uploads host-built synapses at
 * the start of their rows and places generated ones with build-place. `track` receives every buffer kept.
 */
export async function buildSynapses(gpu: Gpu, plan: SpikingPlan, maxBindingBytes: number, track: (b: GPUBuffer) => void): Promise<BuiltSynapses | undefined> {
  const { device } = gpu;
  const pres: BuiltSynapses['pres'] = [];
  let rows = 0;
  for (const pop of plan.pops) {
    if (plan.outgoing.some((o) => o.pre === pop) || plan.generated.some((g) => g.pre === pop)) {
      pres.push({ pop, rowBase: rows });
      rows += pop.size;
    }
  }
  if (rows === 0) return undefined;
  const rowBase = new Map(pres.map((p) => [p.pop, p.rowBase]));
  const words = genInfo(plan);
  const gen = createBuffer(device, 'gen_info', words.byteLength, STORAGE, words);
  const info = createBuffer(device, 'build_info', 16, USAGE.UNIFORM);
  const cache = PipelineCache.of(device);
  // Each kernel runs as a grid-stride loop over its synapses, so one dimension of workgroups suffices.
  const run = (kind: BuildKernel, label: string, c: Constants, buffers: GPUBuffer[], threads: number) => {
    const layout = cache.layout(BUILD_GROUP0[kind], `build group0:${kind}`);
    const pipeline = cache.pipeline(label, buildWgsl(kind, c), [layout]);
    const enc = device.createCommandEncoder({ label });
    const pass = enc.beginComputePass({ label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, cache.bindGroup(label, layout, buffers));
    pass.dispatchWorkgroups(Math.max(1, Math.min(device.limits.maxComputeWorkgroupsPerDimension, Math.ceil(threads / 256))));
    pass.end();
    device.queue.submit([enc.finish()]);
  };
  // Row lengths: host-built rows plus a GPU count of the generated synapses.
  const hostLen = new Float64Array(rows);
  for (const o of plan.outgoing) {
    const base = rowBase.get(o.pre)!;
    for (let j = 0; j < o.pre.size; j++) hostLen[base + j] = o.rowPtr[j + 1] - o.rowPtr[j];
  }
  let counts = new Uint32Array(rows);
  if (plan.generated.length) {
    const countBuf = createBuffer(device, 'synapse counts', rows * 4, STORAGE);
    plan.generated.forEach((g, i) => run('build-count', `build-count "${g.name}"`, { GEN: i, N_SYN: g.synapses, PRE_ROW_BASE: rowBase.get(g.pre)! }, [gen, countBuf, info], g.synapses));
    counts = new Uint32Array(await guardGpu(gpu, 'counting the stored synapses', readBuffer(device, countBuf, 0, rows * 4)));
    countBuf.destroy();
  }
  const rowPtr = new Float64Array(rows + 1);
  for (let r = 0; r < rows; r++) rowPtr[r + 1] = rowPtr[r] + hostLen[r] + counts[r];
  // Parts: consecutive rows whose synapses fit one binding.
  const maxSyn = Math.floor(maxBindingBytes / 4);
  const bounds: [number, number][] = [];
  for (let r0 = 0; r0 < rows;) {
    let r1 = r0 + 1;
    while (r1 < rows && rowPtr[r1 + 1] - rowPtr[r0] <= maxSyn) r1++;
    if (rowPtr[r1] - rowPtr[r0] > maxSyn) throw new SpecError('projections', `row ${r0} has ${rowPtr[r1] - rowPtr[r0]} synapses, more than one storage binding holds`);
    bounds.push([r0, r1]);
    r0 = r1;
  }
  const parts: RowPart[] = [];
  for (const [r0, r1] of bounds) {
    const S = rowPtr[r1] - rowPtr[r0];
    const local = Uint32Array.from({ length: r1 - r0 + 1 }, (_, k) => rowPtr[r0 + k] - rowPtr[r0]);
    const label = `synapses, rows ${r0}..${r1 - 1}`;
    const target = createBuffer(device, `${label}:syn_target`, Math.max(S, 1) * 4, STORAGE);
    const wq = createBuffer(device, `${label}:wq`, Math.max(S, 1) * 4, STORAGE);
    const delayPop = createBuffer(device, `${label}:delay_pop`, Math.max(S, 1) * 4, STORAGE);
    const hostHere = plan.outgoing.filter((o) => o.target.length && rowBase.get(o.pre)! < r1 && rowBase.get(o.pre)! + o.pre.size > r0);
    if (hostHere.length) {
      // Host-built synapses take the start of each row.
      const t = new Uint32Array(S), w = new Int32Array(S), d = new Uint32Array(S);
      for (const o of hostHere) {
        const base = rowBase.get(o.pre)!;
        for (let j = Math.max(0, r0 - base); j < Math.min(o.pre.size, r1 - base); j++) {
          const at = local[base + j - r0], from = o.rowPtr[j], len = o.rowPtr[j + 1] - from;
          t.set(o.target.subarray(from, from + len), at);
          w.set(o.wq.subarray(from, from + len), at);
          d.set(o.delayPop.subarray(from, from + len), at);
        }
      }
      device.queue.writeBuffer(target, 0, t);
      device.queue.writeBuffer(wq, 0, w);
      device.queue.writeBuffer(delayPop, 0, d);
    }
    if (plan.generated.length) {
      const cursor = Uint32Array.from({ length: r1 - r0 }, (_, k) => local[k] + hostLen[r0 + k]);
      const cursorBuf = createBuffer(device, `${label}:cursor`, cursor.byteLength, STORAGE, cursor);
      plan.generated.forEach((g, i) => {
        const base = rowBase.get(g.pre)!;
        if (base >= r1 || base + g.pre.size <= r0) return;
        const c = { GEN: i, N_SYN: g.synapses, ROW0: r0, ROW1: r1, PRE_ROW_BASE: base, TARGET_BASE: g.post.ringBase + g.port * plan.batch * g.post.size, POST_POP: g.post.index };
        run('build-place', `build-place "${g.name}" rows ${r0}..${r1 - 1}`, c, [gen, cursorBuf, target, wq, delayPop, info], g.synapses);
      });
      await guardGpu(gpu, 'placing the stored synapses', device.queue.onSubmittedWorkDone());
      cursorBuf.destroy();
    }
    const rowPtrBuf = createBuffer(device, `${label}:row_ptr`, local.byteLength, STORAGE, local);
    for (const b of [rowPtrBuf, target, wq, delayPop]) track(b);
    parts.push({ row0: r0, row1: r1, rowPtr: rowPtrBuf, target, wq, delayPop, synapses: S });
  }
  gen.destroy();
  info.destroy();
  const names = [...plan.outgoing.flatMap((o) => o.projections.map((p) => p.name)), ...plan.generated.map((g) => g.name)];
  return { pres, names, parts, synapses: rowPtr[rows] };
}
