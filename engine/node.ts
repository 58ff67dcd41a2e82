/**
 * The Node-only entry of Lamina (`@lamina-sim/lamina/node`): reading and writing `.npy` files, a
 * record sink that streams recordings to `.npy` files, and the NWB export of a run's output directory.
 * Everything else is in the main entry (engine/index.ts), which imports no Node module; running a scenario or a JSON spec into a directory
 * as `lamina run` does is in `@lamina-sim/lamina/scenarios` (scenarios/public.ts).
 * @module @lamina-sim/lamina/node
 */

export { NpyRowsWriter, NpySink, readNpy, readNpyFile, writeNpy } from './node/npy-files.ts';
export type { Npy, NpyArray } from './node/npy-files.ts';
export { exportNwb, NWB_VERSION } from './node/nwb.ts';
export type { NwbExport } from './node/nwb.ts';
