/**
 * Dispatch accounting of a step program (engine/run/chunk-runner.ts), counted from what the runner
 * encodes: every slot each step (a slot with a `when` predicate only in the steps where it holds), and
 * each recorder's kernel after the steps in which it takes a row. A recorder that takes its row by a
 * buffer copy adds no dispatch but ends and reopens the chunk's compute pass.
 */
import { fires, plannedRows } from '../record/recorders.ts';
import type { StepProgram } from './chunk-runner.ts';

export interface DispatchCount {
  /** Steps per chunk (the counts per chunk are for a whole chunk that starts at step 0). */
  chunkSteps: number;
  /** Slots dispatched in every step. */
  everyStep: number;
  /** Slots dispatched only in the steps where their predicate holds (e.g. an eligibility pass while its modulator is not zero). */
  conditional: number;
  /** Slots dispatched once per chunk (the fused spiking kernel, which loops over the chunk's steps itself). */
  perChunkSlots: number;
  /** Recorder kernels' dispatches per step, on average (1 / every each). */
  recorders: number;
  /** Dispatches per step: everyStep + recorders, with the conditional slots counted in every step (an upper bound when there are any). */
  perStep: number;
  /** Dispatches in a chunk (conditional slots counted in every step). */
  perChunk: number;
  /** Compute passes in a chunk: one, plus one more after each step in which a recorder copies a row. */
  passesPerChunk: number;
}

/** The dispatches `program` encodes per step and per chunk of `chunkSteps` steps. */
export function countDispatches<D>(program: Pick<StepProgram<D>, 'slots' | 'recorders'>, chunkSteps: number): DispatchCount {
  const everyStep = program.slots.filter((s) => !s.when && !s.perChunk).length;
  const once = program.slots.filter((s) => s.perChunk).length;
  const conditional = program.slots.length - everyStep - once;
  const rows = (r: StepProgram<D>['recorders'][number]) => (r.everyStep ? chunkSteps : plannedRows(r.every, 0, chunkSteps));
  const kernels = program.recorders.filter((r) => r.kernel);
  const recorderDispatches = kernels.reduce((a, r) => a + rows(r), 0);
  // Steps of the chunk after which some recorder copies a row (each ends the pass and opens a new one).
  const copies = program.recorders.filter((r) => r.copy);
  let breaks = 0;
  for (let s = 0; s < chunkSteps; s++) if (copies.some((r) => r.everyStep || fires(r.every, s))) breaks++;
  const recorders = kernels.reduce((a, r) => a + (r.everyStep ? 1 : 1 / r.every), 0);
  return {
    chunkSteps, everyStep, conditional, perChunkSlots: once, recorders, perStep: everyStep + conditional + once / chunkSteps + recorders,
    perChunk: (everyStep + conditional) * chunkSteps + once + recorderDispatches, passesPerChunk: 1 + breaks,
  };
}

/** The run's meta.json entry: the program's counts and the dispatches actually encoded (`encoded`). */
export function dispatchMeta(c: DispatchCount, encoded: number) {
  return {
    per_step: c.perStep, per_chunk: c.perChunk, chunk_steps: c.chunkSteps, every_step: c.everyStep,
    conditional_per_step: c.conditional, per_chunk_slots: c.perChunkSlots, recorders_per_step: c.recorders, passes_per_chunk: c.passesPerChunk, encoded,
  };
}
