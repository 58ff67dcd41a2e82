/**
 * The Node-only entry of Lamina (`@lamina-sim/lamina/node`): reading and writing `.npy` files, a record
 * sink that streams recordings to `.npy` files, and running a scenario or a JSON spec into an output
 * directory as the `lamina run` command does. Everything else is in the main entry (engine/index.ts),
 * which imports no Node module.
 * @module @lamina-sim/lamina/node
 */

export { NpyRowsWriter, NpySink, readNpy, readNpyFile, writeNpy } from './node/npy-files.ts';
export type { Npy, NpyArray } from './node/npy-files.ts';
export { runToDirectory } from '../scenarios/run.ts';
export type { RunRequest } from '../scenarios/run.ts';
