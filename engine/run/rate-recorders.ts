/**
 * Recorders of rate networks as slots of the step program: a ring buffer on the GPU that holds one
 * chunk's rows, a record kernel dispatched after the steps where the recorder fires (its row in the
 * StepInfo slot of the recorder), the rows read back once per chunk and handed to the sink as they are.
 */
import { assemble, type AssembledKernel, type Constants } from '../codegen/rate.ts';
import { SpecError } from '../errors.ts';
import { grid } from '../gpu/pipelines.ts';
import { createBuffer, STORAGE } from '../gpu/resources.ts';
import { recorderInfos, type RecorderInfo } from '../record/recorders.ts';
import type { RecorderSpec } from '../spec/rate.ts';
import type { ChunkRecorder, Kernel } from './chunk-runner.ts';
import { rateKernel, type KernelContext } from './rate-context.ts';

function recordKernel(ctx: KernelContext, info: RecorderInfo, index: number, label: string, ring: GPUBuffer): Kernel {
  const { plan, device } = ctx;
  const make = (name: AssembledKernel, consts: Constants, buffers: GPUBuffer[], workgroups: [number, number, number]) => rateKernel(ctx, name, `${name} ${label}`, assemble(name, consts), buffers, workgroups);
  if (info.what === 'weights') {
    const total = plan.batch * info.width;
    return make('record-weights', { TOTAL: total, REC: index }, [ctx.plastic.get(info.population)!.weights, ring], grid(Math.ceil(total / 64), device));
  }
  if (info.what === 'modulator') {
    const mod = plan.modulators.find((m) => m.name === info.population)!;
    return make('record-modulator', { BATCH: plan.batch, MOD_K: plan.modK, MOD: mod.index, REC: index }, [ring], [Math.ceil(plan.batch / 64), 1, 1]);
  }
  const pop = plan.pops.find((p) => p.name === info.population)!;
  const unitsBuf = createBuffer(device, `${label}:units`, info.units.byteLength, STORAGE, info.units);
  ctx.buffers.push(unitsBuf);
  const name = info.reduce === 'mean' ? 'record-mean' : 'record-gather';
  // A gate's activations are a B x size block of the state array (engine/plan/gated.ts).
  const unitBase = info.what === 'gate' ? pop.gated!.gateBase + info.gate! * plan.batch * pop.size : pop.base;
  const consts: Constants = { UNIT_N: pop.size, UNIT_BASE: unitBase, BATCH: plan.batch, M: info.units.length, REC: index, RECORD_STATE: info.what !== 'rate' };
  return make(name, consts, [unitsBuf, ring], info.reduce === 'mean' ? [plan.batch, 1, 1] : grid(Math.ceil((info.units.length * plan.batch) / 64), device));
}

/** The recorders of a spec with their ring buffers and kernels (after the step kernels: weight recorders need their buffers). */
export function rateRecorders(ctx: KernelContext, specs: RecorderSpec[], chunkSteps: number): ChunkRecorder[] {
  const { plan, device } = ctx;
  return recorderInfos(plan, specs).map((info, index): ChunkRecorder => {
    const capacity = Math.ceil(chunkSteps / info.every) + 1;
    const rowBytes = plan.batch * info.width * 4;
    const ringBytes = capacity * rowBytes;
    if (ringBytes > Math.min(device.limits.maxStorageBufferBindingSize, ctx.maxBindingBytes ?? Infinity)) {
      throw new SpecError(`record[${index}]`, `one chunk of recordings (${capacity} rows) needs ${(ringBytes / 2 ** 20).toFixed(1)} MiB on the GPU, over the adapter's per-binding limit; record ${info.what === 'weights' ? 'less often (every), or use a smaller chunkSteps' : 'fewer units or less often'}`);
    }
    const label = `recorder "${info.name}"`;
    const ring = createBuffer(device, `${label}:ring`, ringBytes, STORAGE);
    ctx.buffers.push(ring);
    return {
      info, every: info.every, slot: index, kernel: recordKernel(ctx, info, index, label, ring),
      region: (rows) => ({ buffer: ring, offset: 0, bytes: rows * rowBytes }),
      deliver: async (_, data, rows, out) => { if (rows > 0) await out.sink?.write(info, new Float32Array(data), rows); },
    };
  });
}
