/**
 * GPU buffers as slots of a simulation's state (engine/plan/state.ts): read back through a staging
 * buffer (engine/gpu/resources.ts: readBuffer) after the work already submitted, written with
 * queue.writeBuffer before the work submitted next. Both keep queue order, so no wait is needed between
 * a run and saveState or between loadState and a run.
 */
import type { Gpu } from '../gpu/device.ts';
import { guardGpu, readBuffer } from '../gpu/resources.ts';
import type { StateSlot } from '../plan/state.ts';

/** All of `buffer` (its padded size), or a region of one (a plastic projection's part of a shared buffer), as the state slot `name`. */
export function bufferSlot(gpu: Gpu, name: string, of: GPUBuffer | { buffer: GPUBuffer; offset: number; size: number }): StateSlot<Uint8Array> {
  const { buffer, offset, size } = 'buffer' in of ? of : { buffer: of, offset: 0, size: of.size };
  return {
    name, size,
    read: async () => new Uint8Array(await guardGpu(gpu, `saving the state (${name})`, readBuffer(gpu.device, buffer, offset, size))),
    write: (v) => gpu.device.queue.writeBuffer(buffer, offset, v.buffer, v.byteOffset, v.byteLength),
  };
}
