/**
 * GPU buffers as slots of a simulation's state (engine/plan/state.ts): read back through a staging
 * buffer (engine/gpu/resources.ts: readBuffer) after the work already submitted, written with
 * queue.writeBuffer before the work submitted next. Both keep queue order, so no wait is needed between
 * a run and saveState or between loadState and a run.
 */
import type { Gpu } from '../gpu/device.ts';
import { guardGpu, readBuffer } from '../gpu/resources.ts';
import type { StateSlot } from '../plan/state.ts';

/** All of `buffer` (its padded size) as the state slot `name`. */
export function bufferSlot(gpu: Gpu, name: string, buffer: GPUBuffer): StateSlot<Uint8Array> {
  return {
    name, size: buffer.size,
    read: async () => new Uint8Array(await guardGpu(gpu, `saving the state (${name})`, readBuffer(gpu.device, buffer, 0, buffer.size))),
    write: (v) => gpu.device.queue.writeBuffer(buffer, 0, v.buffer, v.byteOffset, v.byteLength),
  };
}
