// Installs WebGPU's globals (GPUBufferUsage, GPUMapMode, ...) from Dawn before any module uses them.
import { globals } from 'webgpu';

Object.assign(globalThis, globals);
