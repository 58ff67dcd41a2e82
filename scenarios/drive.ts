/**
 * Drives a network run to its last step in segments: a checkpoint after every `checkpointEvery` steps, and
 * on interruption (the signal: SIGINT or SIGTERM in the CLI) the chunks in flight finish, their rows are
 * written and a checkpoint is taken at the step reached, so `lamina resume` continues exactly there.
 */
import { plannedRows } from '../engine/record/recorders.ts';
import type { Outputs, Simulation } from '../engine/simulation.ts';
import { writeCheckpoint } from './checkpoint-files.ts';

/** A running network and where its outputs go. */
export interface NetworkOutputs {
  sim: Simulation;
  outputs: Outputs;
  /** Where the outputs stand (rows per file, counters): stored with each checkpoint. */
  positions(): unknown;
  /** After the last segment: closes streams, writes final arrays; returns the summary and meta fields. */
  finish(complete: boolean): Promise<{ summary: Record<string, unknown>; meta: Record<string, unknown>; pass: boolean }>;
}

export interface DriveOptions {
  signal?: AbortSignal;
  /** Steps between checkpoints (none: only on interruption). */
  checkpointEvery?: number;
  log?: (msg: string) => void;
}

export interface Driven {
  /** Steps completed in all (the simulation's step). */
  done: number;
  interrupted: boolean;
  wallSeconds: number;
  /** Compute dispatches encoded in all segments of this call. */
  dispatches: number;
}

export async function drive(dir: string, net: NetworkOutputs, total: number, opts: DriveOptions = {}): Promise<Driven> {
  const { sim } = net;
  const every = opts.checkpointEvery;
  const log = opts.log ?? (() => undefined);
  let wallSeconds = 0;
  let dispatches = 0;
  let last = performance.now();
  let interrupted = false;
  // The whole run's recordings are checked against the sink (free disk, memory) before its first segment.
  await net.outputs.sink?.prepare?.(sim.recorders.map((rec) => ({ rec, rows: plannedRows(rec.every, sim.step, total - sim.step) })));
  while (sim.step < total && !interrupted) {
    const from = sim.step;
    const until = every ? Math.min(total, (Math.floor(from / every) + 1) * every) : total;
    const t = await sim.run(until - from, {
      ...net.outputs, signal: opts.signal,
      onProgress: (d) => {
        if (performance.now() - last > 2000 || from + d === total) {
          last = performance.now();
          log(`lamina: step ${from + d}/${total} (${((100 * (from + d)) / total).toFixed(0)}%)`);
        }
      },
    });
    wallSeconds += t.wallSeconds;
    dispatches += t.dispatches ?? 0;
    interrupted = t.interrupted === true || (opts.signal?.aborted ?? false) && sim.step < total;
    if (interrupted || (every && sim.step < total)) {
      await writeCheckpoint(dir, sim, net.positions());
      log(`lamina: checkpoint at step ${sim.step}`);
    }
  }
  return { done: sim.step, interrupted, wallSeconds, dispatches };
}
