/**
 * Checkpoints on disk: DIR/checkpoint/ holds state.json (the step, the network's fingerprint, small values,
 * where every output file stood) and one .bin file per state buffer. A checkpoint is written whole into a
 * temporary directory and then renamed into place (the previous one is moved aside first and removed last),
 * so a run killed at any moment leaves a complete checkpoint: checkpoint/ or, in the instant between the
 * two renames, checkpoint.old/.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../engine/errors.ts';
import type { Simulation, SimulationState } from '../engine/simulation.ts';
import { VERSION } from '../engine/version.ts';

export const CHECKPOINT = 'checkpoint';

export interface Checkpoint<P = unknown> {
  state: SimulationState;
  /** Where the run's outputs stood at this step (rows per file, counters). */
  positions: P;
}

export async function writeCheckpoint(dir: string, sim: Simulation, positions: unknown): Promise<void> {
  const state = await sim.saveState();
  const tmp = join(dir, `${CHECKPOINT}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const buffers = Object.entries(state.buffers).map(([name, bytes], i) => {
    const file = `b${i}.bin`;
    writeFileSync(join(tmp, file), bytes);
    return { name, file, bytes: bytes.byteLength };
  });
  const { buffers: _, ...rest } = state;
  writeFileSync(join(tmp, 'state.json'), JSON.stringify({ lamina: VERSION, written: new Date().toISOString(), state: rest, buffers, positions }, null, 1));
  const current = join(dir, CHECKPOINT), old = join(dir, `${CHECKPOINT}.old`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(current)) renameSync(current, old);
  renameSync(tmp, current);
  rmSync(old, { recursive: true, force: true });
}

export function readCheckpoint<P>(dir: string): Checkpoint<P> {
  const where = [CHECKPOINT, `${CHECKPOINT}.old`].map((d) => join(dir, d)).find((d) => existsSync(join(d, 'state.json')));
  if (!where) throw new SpecError('resume', `${dir} holds no checkpoint (a run writes one when interrupted by SIGINT or SIGTERM, and every --checkpoint-every steps)`);
  let saved: { state: Omit<SimulationState, 'buffers'>; buffers: { name: string; file: string; bytes: number }[]; positions: P };
  try {
    saved = JSON.parse(readFileSync(join(where, 'state.json'), 'utf8'));
  } catch (e) {
    throw new SpecError('resume', `${where}/state.json cannot be read: ${(e as Error).message}`);
  }
  const buffers: Record<string, Uint8Array> = {};
  for (const b of saved.buffers) {
    const bytes = new Uint8Array(readFileSync(join(where, b.file)));
    if (bytes.byteLength !== b.bytes) throw new SpecError('resume', `${where}/${b.file} holds ${bytes.byteLength} bytes, state.json says ${b.bytes}`);
    buffers[b.name] = bytes;
  }
  return { state: { ...saved.state, buffers } as SimulationState, positions: saved.positions };
}
