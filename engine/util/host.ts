/**
 * The few host services the engine core uses when it runs under Node (reading a weight file named in a
 * spec, the LAMINA_DUMP_SHADERS debug dump), reached without importing a Node module, so that a browser
 * bundle of the core builds. `process.getBuiltinModule` exists from Node 20.16; elsewhere these services
 * are absent and say so.
 */

interface NodeFs {
  readFileSync(path: string): Uint8Array;
  statSync(path: string, opts: { throwIfNoEntry: false }): { size: number } | undefined;
  writeFileSync(path: string, data: string | Uint8Array): void;
  mkdirSync(path: string, opts: { recursive: boolean }): unknown;
}

interface NodeProcess {
  env: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

function nodeFs(): NodeFs | undefined {
  return nodeProcess()?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
}

/** An environment variable under Node; undefined elsewhere. */
export function hostEnv(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

/** The bytes of a file (Node only); throws an Error naming the path otherwise. */
export function readHostFile(path: string): Uint8Array {
  const fs = nodeFs();
  if (!fs) throw new Error(`cannot read "${path}": files can be read only under Node.js (>= 20.16); pass the data instead`);
  return fs.readFileSync(path);
}

/** The size of a file in bytes (Node only); undefined elsewhere or when it does not exist. */
export function hostFileSize(path: string): number | undefined {
  try {
    return nodeFs()?.statSync(path, { throwIfNoEntry: false })?.size;
  } catch {
    return undefined;
  }
}

/** Writes a text file into a directory it creates (Node only; a no-op elsewhere). */
export function writeHostText(dir: string, name: string, text: string): void {
  const fs = nodeFs();
  if (!fs) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${dir.replace(/\/+$/, '')}/${name}`, text);
}

/** Host memory as the engine sees it (Node only): bytes the OS can still give, its total, and the JavaScript heap. */
export interface HostMemory {
  /** Bytes available to this process: the OS's available memory (MemAvailable on Linux), or less under a cgroup limit. */
  available: number;
  total: number;
  /** What `available` was read from, for messages. */
  source: string;
  /** Bytes the JavaScript heap may still grow by (V8's limit minus what it holds now). */
  heapAvailable: number;
}

interface NodeOs { freemem(): number; totalmem(): number }
interface NodeV8 { getHeapStatistics(): { heap_size_limit: number; used_heap_size: number } }

/** The host's memory now (Node only; undefined elsewhere, where no limit is known). */
export function hostMemory(): HostMemory | undefined {
  const proc = nodeProcess() as (NodeProcess & { availableMemory?: () => number }) | undefined;
  const os = proc?.getBuiltinModule?.('node:os') as NodeOs | undefined;
  const v8 = proc?.getBuiltinModule?.('node:v8') as NodeV8 | undefined;
  if (!os || !v8) return undefined;
  const free = os.freemem(), total = os.totalmem();
  // availableMemory() also honours a cgroup (container) limit; it is never above the OS's free memory.
  const constrained = proc?.availableMemory?.();
  const limited = constrained !== undefined && constrained < free;
  const heap = v8.getHeapStatistics();
  return {
    available: limited ? constrained : free, total, source: limited ? 'process.availableMemory(), a cgroup limit' : 'os.freemem()',
    heapAvailable: Math.max(0, heap.heap_size_limit - heap.used_heap_size),
  };
}
