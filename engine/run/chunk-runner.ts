/**
 * The time loop, once for every kind of network. A StepProgram says what one step does: its ordered
 * dispatch slots (each may carry a `when` predicate), its recorders (a kernel or a buffer copy when they
 * take a row, a readback region per chunk and a decoder that delivers rows), and what is uploaded per
 * chunk. runChunks() encodes many steps per submission in one compute pass (a copy closes and reopens
 * it), writes the chunk's StepInfo rows (engine/gpu/step-info.ts) into the step buffer (step s of the chunk
 * binds window s through its own group-0 bind group, built once: no dynamic offsets), copies
 * every recorder's region into one staging buffer, and moves on: readbacks complete asynchronously and
 * are delivered in step order, with at most `maxInFlight` chunks in flight. No host round trip per step.
 * The program's fault words (engine/run/faults.ts) travel in the same staging buffer: a chunk that
 * reports a numerical fault delivers its rows up to the faulty step, no chunk after it is delivered or
 * started, the sinks are ended and the run rejects with the NumericalError.
 */
import { GpuError, type NumericalError } from '../errors.ts';
import type { DeviceOptions } from '../gpu/device.ts';
import { guardGpu, USAGE } from '../gpu/resources.ts';
import { StepInfoRows } from '../gpu/step-info.ts';
import { fires, plannedRows, type RecorderInfo } from '../record/recorders.ts';
import type { Outputs, RunOptions, RunTiming } from '../simulation.ts';
import { decodeFault, faultBytes, type FaultWords } from './faults.ts';

/** A kernel of the step program: a pipeline, its group-1 bind group and its grid. */
export interface Kernel {
  label: string;
  /** Template name (shaders/NAME.wgsl). */
  name: string;
  pipeline: GPUComputePipeline;
  group1?: GPUBindGroup;
  workgroups: [number, number, number];
}

/** One chunk: steps n0 .. n0 + count - 1, with what the program prepared for it. */
export interface Chunk<D = unknown> {
  n0: number;
  count: number;
  data: D;
}

/**
 * A dispatch of every step, or of the steps where `when` holds (s: the step's index in the chunk), or,
 * with `perChunk`, once per chunk before its first step's other slots (a kernel that loops over the
 * chunk's steps itself).
 */
export interface StepSlot<D = unknown> {
  kernel: Kernel;
  when?: (chunk: Chunk<D>, s: number) => boolean;
  perChunk?: boolean;
}

/**
 * A recorder as a slot of the program. It takes a row after the steps where fires(every, n) holds, or
 * after every step (`everyStep`: the row is then the step's index in the chunk); its StepInfo slot holds
 * that row. When it takes a row its kernel is dispatched or its copy encoded, after the step's slots.
 */
export interface ChunkRecorder<D = unknown> {
  /** What the sink is told in begin/end (absent for recorders delivered elsewhere, e.g. spikes). */
  info?: RecorderInfo;
  every: number;
  everyStep?: boolean;
  /** Its StepInfo slot, if its kernels read one. */
  slot?: number;
  kernel?: Kernel;
  copy?: (enc: GPUCommandEncoder, row: number) => void;
  /** Cleared at the start of every chunk. */
  clear?: GPUBuffer;
  /** The region read back after a chunk in which it took `rows` rows (none: nothing to read). */
  region?: (rows: number, chunk: Chunk<D>) => { buffer: GPUBuffer; offset: number; bytes: number } | undefined;
  /** Host values it carries from one chunk to the next (a rate bin's partial spike counts): part of the simulation's state. */
  carry?: Float64Array;
  /** Delivers a chunk: `data` is its region's bytes (empty without a region). */
  deliver(chunk: Chunk<D>, data: ArrayBuffer, rows: number, out: Outputs): void | Promise<void>;
}

export interface StepProgram<D = unknown> {
  /** Names the program in error messages ('step kernels', 'spiking step kernels'). */
  label: string;
  /** The uniform buffer of the chunk's StepInfo rows (chunkSteps * STEP_STRIDE bytes). */
  stepBuffer: GPUBuffer;
  /** Group 0 of step n, the chunk's step s: it binds StepInfo window s (e.g. alternating rate buffers by n). */
  group0(step: number, s: number): GPUBindGroup;
  slots: StepSlot<D>[];
  recorders: ChunkRecorder<D>[];
  /** Per chunk, before it is encoded (in chunk order): uploads and the chunk's data. */
  prepare?(n0: number, count: number): D;
  /** The numerical fault words, when the kernels check for faults. */
  faults?: FaultWords;
}

/** Options every GPU simulation takes, besides the device's. */
export interface RuntimeOptions extends DeviceOptions {
  /** Batch size (independent instances); overrides the spec's. */
  batch?: number;
  /** Base seed; overrides the spec's. */
  seed?: number;
  /** Steps encoded per submission (default: 256 rate, 200 spiking). */
  chunkSteps?: number;
  /** Chunks allowed in flight before the host waits (default 3). */
  maxInFlight?: number;
  /** Largest storage binding to use (default: the adapter's limit; tests lower it to force splitting into parts). */
  maxBindingBytes?: number;
  /**
   * Check every neuron's state for NaN and infinity after each step (default true): the first fault stops
   * the run with a NumericalError naming step, population, variable, instance and neuron.
   */
  detectFaults?: boolean;
}

export interface RunControl {
  chunkSteps: number;
  maxInFlight: number;
  /** Called after each chunk is submitted, with its step count (the simulation advances its step). */
  onSubmitted: (count: number) => void;
}

/** Runs `steps` steps of `program` from step `start`; recorder rows reach `out` in step order. */
export async function runChunks<D>(gpu: { device: GPUDevice; lost: Promise<GPUDeviceLostInfo> }, program: StepProgram<D>, start: number, steps: number, out: RunOptions, control: RunControl): Promise<RunTiming> {
  const { device } = gpu;
  const t0 = performance.now();
  const faults = program.faults;
  if (faults?.found) throw faults.found;
  const planned = program.recorders.flatMap((r) => (r.info ? [{ rec: r.info, rows: plannedRows(r.every, start, steps) }] : []));
  await out.sink?.prepare?.(planned);
  for (const { rec, rows } of planned) await out.sink?.begin?.(rec, rows);
  const inFlight: Promise<void>[] = [];
  let delivered: Promise<void> = Promise.resolve();
  let done = 0;
  let dispatches = 0;
  while (done < steps && !out.signal?.aborted && !faults?.found) {
    const count = Math.min(control.chunkSteps, steps - done);
    const chunk: Chunk<D> = { n0: start + done, count, data: program.prepare ? program.prepare(start + done, count) : (undefined as D) };
    const range = `steps ${chunk.n0}..${chunk.n0 + count - 1}`;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const { commands, rows, staging, regions, dispatches: encoded } = encodeChunk(device, program, chunk);
    dispatches += encoded;
    device.queue.submit([commands]);
    const errors = Promise.all([device.popErrorScope(), device.popErrorScope()]).then(([validation, oom]) => {
      const what = `${program.label} (${range}; ${program.slots.map((s) => s.kernel.label).join(', ')})`;
      if (oom) throw new GpuError(what, `out of GPU memory: ${oom.message}`);
      if (validation) throw new GpuError(what, `WebGPU validation error: ${validation.message}`);
    });
    const ready = guardGpu(gpu, `${program.label}, ${range}`, errors.then(() => (staging ? staging.mapAsync(GPUMapMode.READ) : device.queue.onSubmittedWorkDone())));
    delivered = Promise.all([delivered, ready]).then(async () => {
      // Each recorder gets a copy of its region (the mapped range is invalid after unmap).
      const mapped = staging?.getMappedRange();
      const data = regions.map((reg) => (mapped && reg ? mapped.slice(reg.at, reg.at + reg.bytes) : new ArrayBuffer(0)));
      if (staging) { staging.unmap(); staging.destroy(); }
      if (faults?.found) return; // an earlier chunk faulted: nothing after it is delivered
      const fault = faults ? decodeFault(new Uint32Array(data[program.recorders.length]), faults.lane, faults.words) : undefined;
      if (fault) faults!.found = fault;
      const view = fault ? upTo(chunk, fault) : chunk;
      if (view.count <= 0) return;
      // After a fault, each recorder delivers the rows it took up to the faulty step.
      const taken = (r: ChunkRecorder<D>, k: number) => (view === chunk ? rows[k] : r.everyStep ? view.count : plannedRows(r.every, view.n0, view.count));
      for (const [k, r] of program.recorders.entries()) await r.deliver(view, data[k], taken(r, k), out);
    });
    delivered.catch(() => undefined); // handled where awaited; avoids an unhandled-rejection report
    inFlight.push(delivered);
    control.onSubmitted(count);
    done += count;
    if (inFlight.length >= control.maxInFlight) await inFlight.shift();
    out.onProgress?.(done, steps);
  }
  await delivered;
  for (const r of program.recorders) if (r.info) await out.sink?.end?.(r.info);
  if (faults?.found) throw faults.found;
  return { steps: done, wallSeconds: (performance.now() - t0) / 1000, dispatches, ...(done < steps ? { interrupted: true } : {}) };
}

/** The steps of `chunk` up to and including the faulty one (none when it faulted before the chunk). */
function upTo<D>(chunk: Chunk<D>, fault: NumericalError): Chunk<D> {
  return { ...chunk, count: Math.min(chunk.count, fault.step - chunk.n0 + 1) };
}

function dispatch(pass: GPUComputePassEncoder, k: Kernel, group0: GPUBindGroup): 1 {
  pass.setPipeline(k.pipeline);
  pass.setBindGroup(0, group0);
  if (k.group1) pass.setBindGroup(1, k.group1);
  pass.dispatchWorkgroups(k.workgroups[0], k.workgroups[1], k.workgroups[2]);
  return 1;
}

/** Encodes one chunk: StepInfo rows, clears, every step's slots and recorders, then the copies to staging. */
function encodeChunk<D>(device: GPUDevice, program: StepProgram<D>, chunk: Chunk<D>) {
  const { n0, count } = chunk;
  const recs = program.recorders;
  const info = new StepInfoRows(count);
  // takes[s * R + k]: recorder k takes a row after step s; row[k]: rows it has taken so far.
  const R = recs.length;
  const takes = new Uint8Array(count * R);
  const rows = new Array<number>(R).fill(0);
  for (let s = 0; s < count; s++) {
    info.set(s, 'step', n0 + s);
    info.set(s, 'local', s);
    info.set(s, 'count', count - s);
    for (let k = 0; k < R; k++) {
      const r = recs[k];
      if (r.slot !== undefined) info.slot(s, r.slot, r.everyStep ? s : rows[k]);
      if (r.everyStep || fires(r.every, n0 + s)) { takes[s * R + k] = 1; rows[k]++; }
    }
  }
  device.queue.writeBuffer(program.stepBuffer, 0, info.data);
  const enc = device.createCommandEncoder({ label: `${program.label} ${n0}..${n0 + count - 1}` });
  for (const r of recs) if (r.clear) enc.clearBuffer(r.clear);
  let pass = enc.beginComputePass({ label: `steps ${n0}..${n0 + count - 1}` });
  const hasCopies = recs.some((r) => r.copy);
  const row = new Array<number>(R).fill(0);
  let dispatches = 0;
  for (let s = 0; s < count; s++) {
    const group0 = program.group0(n0 + s, s);
    for (const slot of program.slots) if (slot.perChunk ? s === 0 : !slot.when || slot.when(chunk, s)) dispatches += dispatch(pass, slot.kernel, group0);
    for (let k = 0; k < R; k++) { const kernel = recs[k].kernel; if (kernel && takes[s * R + k]) dispatches += dispatch(pass, kernel, group0); }
    if (hasCopies && recs.some((r, k) => r.copy && takes[s * R + k])) {
      // Buffer copies go between compute passes.
      pass.end();
      for (let k = 0; k < R; k++) if (recs[k].copy && takes[s * R + k]) recs[k].copy!(enc, row[k]);
      pass = enc.beginComputePass({ label: `steps ${n0 + s + 1}..${n0 + count - 1}` });
    }
    for (let k = 0; k < R; k++) row[k] += takes[s * R + k];
  }
  pass.end();
  // The recorders' regions, then the fault words (the last region).
  const f = program.faults;
  const regions = [...recs.map((r, k) => r.region?.(rows[k], chunk)), f && { buffer: f.buffer, offset: f.offset, bytes: faultBytes(f) }];
  const total = regions.reduce((a, g) => a + (g?.bytes ?? 0), 0);
  const staging = total > 0 ? device.createBuffer({ label: `recordings steps ${n0}..`, size: total, usage: USAGE.MAP_READ | USAGE.COPY_DST }) : undefined;
  // Where each recorder's region lands in the staging buffer (none: nothing to read back for it).
  let at = 0;
  const placed = regions.map((g) => {
    if (!staging || !g || g.bytes === 0) return undefined;
    enc.copyBufferToBuffer(g.buffer, g.offset, staging, at, g.bytes);
    const p = { at, bytes: g.bytes };
    at += g.bytes;
    return p;
  });
  return { commands: enc.finish(), rows, staging, regions: placed, dispatches };
}
