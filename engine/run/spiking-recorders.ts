/**
 * Recorders of spiking networks as slots of the step program, each with its readback region and decoder:
 * - spikes: neuron-update sets one bit per spike in a per-step bitset row (all spike recorders share one
 *   buffer, cleared per chunk); decoded into (step, instance, neuron) lists for onSpikes;
 * - rate: record-rate counts a population's spikes per step and instance; the host sums them into bins
 *   of `every` steps and delivers Hz;
 * - state: record-gather (shared with rate networks) gathers a state variable of chosen units into a ring when the recorder fires;
 * - weights: a buffer copy of a plastic projection's weights into a ring when the recorder fires;
 * - modulator: the values of the chunk's modulator table (computed on the host), when the recorder fires.
 */
import { recordRateWgsl, recordStateWgsl, type SpikeRecordSlot } from '../codegen/spiking.ts';
import { grid } from '../gpu/pipelines.ts';
import { STORAGE, USAGE } from '../gpu/resources.ts';
import type { ValidRecorders } from '../plan/spiking-recorders.ts';
import { fires, type RecorderInfo } from '../record/recorders.ts';
import { binRateHz, spikingRecorderInfos } from '../record/spiking-recorders.ts';
import type { ChunkRecorder } from './chunk-runner.ts';
import type { FusedStates } from './spiking-fused.ts';
import { spikingKernel, type Plastic, type SpikingChunk, type SpikingContext } from './spiking-kernels.ts';

type Rec = ChunkRecorder<SpikingChunk>;

/** Bitset rows (step x instance x words) to (step, instance, neuron) lists, in that order. */
export function decodeBits(words: Uint32Array, steps: number, batch: number, wordsPerRow: number, step0: number): [Uint32Array, Uint32Array, Uint32Array] {
  const s: number[] = [], b: number[] = [], n: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let inst = 0; inst < batch; inst++) {
      for (let w = 0; w < wordsPerRow; w++) {
        let x = words[(t * batch + inst) * wordsPerRow + w];
        while (x !== 0) {
          const bit = 31 - Math.clz32(x & -x);
          s.push(step0 + t); b.push(inst); n.push(w * 32 + bit);
          x &= x - 1;
        }
      }
    }
  }
  return [Uint32Array.from(s), Uint32Array.from(b), Uint32Array.from(n)];
}

/** Where each spike recorder's bitsets sit in the shared spike_bits buffer (u32 words), and its size. */
export function spikeBitSlots(ctx: SpikingContext, records: ValidRecorders, chunkSteps: number): { slots: (SpikeRecordSlot & { name: string; words: number })[]; words: number } {
  let words = 0;
  const slots = records.spikes.map((r) => {
    const w = Math.ceil(ctx.plan.pops[r.pop].size / 32);
    const slot = { name: r.name, pop: r.pop, rec: r.index, bitsBase: words, words: w };
    words += chunkSteps * ctx.plan.batch * w;
    return slot;
  });
  ctx.check('record (spike bitsets of one chunk)', words * 4);
  return { slots, words };
}

/**
 * Every recorder of a spiking network: modulators (host), then in dispatch order spikes, state, rate,
 * weights. With `fused` (the fused path's state and rate recorders), the fused kernel writes the state
 * rows and spike counts into its rings: the recorders then have no kernel, only their regions there.
 */
export function spikingRecorders(ctx: SpikingContext, records: ValidRecorders, bits: ReturnType<typeof spikeBitSlots>, spikeBits: GPUBuffer, plastic: Plastic[], chunkSteps: number, fused?: FusedStates): Rec[] {
  const { plan } = ctx;
  const B = plan.batch;
  const infos = spikingRecorderInfos(plan, records);
  const rows = (ring: GPUBuffer, rowBytes: number, offset = 0) => (n: number) => ({ buffer: ring, offset, bytes: n * rowBytes });
  const deliverRows = (i: RecorderInfo) => async (_: unknown, data: ArrayBuffer, n: number, out: { sink?: { write: (r: RecorderInfo, rows: Float32Array, count: number) => void | Promise<void> } }) => {
    if (n > 0) await out.sink?.write(i, new Float32Array(data), n);
  };
  const spikes = bits.slots.map((r, k): Rec => ({
    every: 1, everyStep: true, slot: r.rec, clear: k === 0 ? spikeBits : undefined,
    region: (_, chunk) => ({ buffer: spikeBits, offset: r.bitsBase * 4, bytes: chunk.count * B * r.words * 4 }),
    deliver: async (chunk, data, _, out) => { if (out.onSpikes) await out.onSpikes(r.name, ...decodeBits(new Uint32Array(data), chunk.count, B, r.words, chunk.n0)); },
  }));
  const state = records.state.map((r, k): Rec => {
    const pop = plan.pops[r.pop];
    const capacity = Math.ceil(chunkSteps / r.every) + 1;
    const rowBytes = B * r.units.length * 4;
    ctx.check(`record[${r.index}]`, capacity * rowBytes);
    const i = infos.state[k];
    if (fused) return { info: i, every: r.every, slot: r.index, region: rows(fused.rings, rowBytes, fused.records[k].ringBase * 4), deliver: deliverRows(i) };
    const ring = ctx.buf(`recorder "${r.name}":ring`, capacity * rowBytes);
    const label = `record-gather "${r.name}"`;
    return {
      info: i, every: r.every, slot: r.index, region: rows(ring, rowBytes), deliver: deliverRows(i),
      kernel: spikingKernel(ctx, 'record-gather', label, recordStateWgsl(plan, pop, r.variable, r.units.length, r.index),
        [ctx.buf(`${label}:units`, r.units), ring], grid(Math.ceil((r.units.length * B) / 64), ctx.gpu.device)),
    };
  });
  const rates = records.rates.map((r, k): Rec => {
    const pop = plan.pops[r.pop];
    const i = infos.rates[k];
    const acc = new Float64Array(B);
    // Fused: the kernel writes every step's count (no clear, no kernel of its own).
    const at = fused ? { buffer: fused.rings, offset: fused.rates[k].ringBase * 4 } : { buffer: ctx.buf(`recorder "${r.name}":counts`, chunkSteps * B * 4), offset: 0 };
    const label = `record-rate "${r.name}"`;
    return {
      info: i, every: r.every, everyStep: true, carry: acc,
      ...(fused ? {} : { slot: r.index, clear: at.buffer, kernel: spikingKernel(ctx, 'record-rate', label, recordRateWgsl(plan, pop, r.index), [at.buffer], [1, 1, 1]) }),
      region: (_, chunk) => ({ ...at, bytes: chunk.count * B * 4 }),
      deliver: async (chunk, data, _, out) => {
        const c = new Uint32Array(data);
        for (let s = 0; s < chunk.count; s++) {
          for (let b = 0; b < B; b++) acc[b] += c[s * B + b];
          if (fires(r.every, chunk.n0 + s)) {
            const row = binRateHz(acc, pop.size, r.every, plan.dt);
            acc.fill(0);
            await out.sink?.write(i, row, 1);
          }
        }
      },
    };
  });
  const weights = records.weights.map((r, k): Rec => {
    const p = plastic[r.plastic];
    const rowBytes = B * p.plan.synapses * 4;
    const capacity = Math.ceil(chunkSteps / r.every) + 1;
    const ring = ctx.buf(`recorder "${r.name}":ring`, Math.max(capacity * rowBytes, 4), STORAGE | USAGE.COPY_DST);
    const i = infos.weights[k];
    return {
      info: i, every: r.every, region: rows(ring, rowBytes), deliver: deliverRows(i),
      copy: (enc, row) => enc.copyBufferToBuffer(p.wel.buffer, p.wel.offset, ring, row * rowBytes, rowBytes),
    };
  });
  const M = Math.max(plan.modulators.length, 1);
  const modulators = records.modulators.map((r, k): Rec => {
    const i = infos.modulators[k];
    return {
      info: i, every: r.every,
      deliver: async (chunk, _, __, out) => {
        for (let s = 0; s < chunk.count; s++) {
          if (fires(r.every, chunk.n0 + s)) await out.sink?.write(i, chunk.data.modTable.slice(s * B * M, (s + 1) * B * M).filter((_, k) => k % M === r.modulator), 1);
        }
      },
    };
  });
  // Modulator rows first (as before the one-runner refactor); they have no GPU slot, so dispatch order is unchanged.
  return [...modulators, ...spikes, ...state, ...rates, ...weights];
}
