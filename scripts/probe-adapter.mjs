// Exits 0 when Dawn finds a WebGPU adapter (used by setup-gpu.sh to decide whether to install lavapipe).
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const gpu = create([]);
globalThis.__laminaGpu = gpu; // keep Dawn's instance alive for the life of the process
const adapter = await gpu.requestAdapter();
if (!adapter) process.exit(1);
const device = await adapter.requestDevice();
console.log(adapter.info.vendor, adapter.info.device, adapter.info.description);
device.destroy();
process.exit(0);
