/**
 * The few host services the engine core uses when it runs under Node (reading a weight file named in a
 * spec, the LAMINA_DUMP_SHADERS debug dump), reached without importing a Node module, so that a browser
 * bundle of the core builds. `process.getBuiltinModule` exists from Node 20.16; elsewhere these services
 * are absent and say so.
 */

interface NodeFs {
  readFileSync(path: string): Uint8Array;
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

/** Writes a text file into a directory it creates (Node only; a no-op elsewhere). */
export function writeHostText(dir: string, name: string, text: string): void {
  const fs = nodeFs();
  if (!fs) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${dir.replace(/\/+$/, '')}/${name}`, text);
}
