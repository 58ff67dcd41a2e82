/**
 * A simulation's complete dynamic state as plain data (Simulation.saveState / loadState), the same
 * shape for every implementation: the GPU simulations (engine/run) read their dynamic buffers back, the
 * CPU twins (engine/reference) copy their arrays. Each names its dynamic buffers and host values as
 * StateSlots; captureState() and restoreState() do the rest, once for all four. A state loads only into
 * a simulation of the same kind, engine and network (its fingerprint: a hash of the compiled plan, so
 * weights read from files count too); everything is checked before anything is written, and a mismatch
 * is a SpecError that names it. Static data (connectivity, parameters, input tables) is rebuilt from the
 * spec and is not part of a state.
 */
import { SpecError } from '../errors.ts';
import { hashValue } from '../util/hash.ts';

/** Layout version of SimulationState; a state of another format is refused. */
export const STATE_FORMAT = 1;

/** Which implementation saved a state: a GPU simulation or a CPU float32 twin (their layouts differ). */
export type StateEngine = 'gpu' | 'reference';

/** What identifies a network: loading a state into a simulation whose fingerprint differs is refused. */
export interface NetworkFingerprint {
  /** Independent instances simulated together. */
  batch: number;
  /** Time step in ms. */
  dt: number;
  /** FNV-1a 64 (16 hex digits) of the per-instance seeds. */
  seeds: string;
  /**
   * FNV-1a 64 of each other part of the compiled plan, by the plan's field name (e.g. pops, projections,
   * paramTable, inputTable): sizes, parameters, initial values, connectivity (also when read from a
   * file), inputs, modulators, model and rule code.
   */
  network: Record<string, string>;
}

/**
 * The complete dynamic state of a simulation between two steps, as plain data: everything a fresh
 * simulation of the same network needs to continue bit-identically to one that was never stopped.
 */
export interface SimulationState {
  /** STATE_FORMAT when saved. */
  format: typeof STATE_FORMAT;
  kind: 'rate' | 'spiking';
  /** 'gpu' or 'reference' (the CPU twin); a state loads only into the same engine. */
  engine: StateEngine;
  /** Global index of the next step to run: the state is the one after steps 0 .. step - 1. */
  step: number;
  /** Instances (also in the fingerprint; here for readers of a saved state). */
  batch: number;
  fingerprint: NetworkFingerprint;
  /**
   * Raw contents of each dynamic buffer, by name (e.g. "state", "ring", 'plastic "EE" traces'), in the
   * engine's own layout and the host's byte order (little-endian on every WebGPU platform).
   */
  buffers: Record<string, Uint8Array>;
  /** Host-side values by name (JSON-safe numbers), e.g. 'modulator "da"', 'recorder "rE" spike counts'. */
  values: Record<string, number[]>;
}

/** One named piece of a simulation's state: its size (bytes of a buffer, numbers of a value) and how to read and write it. */
export interface StateSlot<T> {
  name: string;
  size: number;
  read(): T | Promise<T>;
  write(value: T): void;
}

/** Every dynamic buffer and host value of a simulation. */
export interface StateLayout {
  buffers: StateSlot<Uint8Array>[];
  values: StateSlot<number[]>[];
}

/** Who saves or loads a state: its identity and its layout. */
export interface StateOwner {
  kind: 'rate' | 'spiking';
  engine: StateEngine;
  step: number;
  plan: { batch: number; dt: number; seeds: Uint32Array };
  /** Its slots when at `step` (the GPU rate simulation keeps r(n) in the buffer of parity n % 2). */
  layout(step: number): StateLayout;
  /** A run is in progress: its state is not between two steps (nor its recordings delivered). */
  busy: boolean;
}

/** Counts a simulation's runs in progress (its StateOwner is `busy` during one). */
export class RunTracker {
  private count = 0;
  get busy(): boolean {
    return this.count > 0;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
    }
  }
}

function notBusy(owner: StateOwner, what: string): void {
  if (owner.busy) throw new Error(`${what}: a run is in progress; wait for run() to finish first`);
}

const fingerprints = new WeakMap<object, NetworkFingerprint>();

/** The fingerprint of a compiled plan (rate or spiking), computed once per plan. */
export function planFingerprint(plan: { batch: number; dt: number; seeds: Uint32Array }): NetworkFingerprint {
  let fp = fingerprints.get(plan);
  if (!fp) {
    const network: Record<string, string> = {};
    const views = new Map<ArrayBufferView, string>();
    for (const [key, part] of Object.entries(plan).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (key !== 'batch' && key !== 'dt' && key !== 'seeds') network[key] = hashValue(part, views);
    }
    fp = { batch: plan.batch, dt: plan.dt, seeds: hashValue(plan.seeds), network };
    fingerprints.set(plan, fp);
  }
  return fp;
}

/** A twin's typed array as a buffer slot (bytes copied out and in). */
export function arraySlot(name: string, array: ArrayBufferView): StateSlot<Uint8Array> {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { name, size: bytes.length, read: () => bytes.slice(), write: (v) => bytes.set(v) };
}

/** Host numbers (float32 modulator values, float64 spike counts) as a value slot. */
export function valueSlot(name: string, values: Float32Array | Float64Array): StateSlot<number[]> {
  return { name, size: values.length, read: () => Array.from(values), write: (v) => values.set(v) };
}

/** A copy, so that a saved state does not share the cached fingerprint. */
const copyOf = (fp: NetworkFingerprint): NetworkFingerprint => ({ ...fp, network: { ...fp.network } });

/** Reads every slot of `owner` into a SimulationState. */
export async function captureState(owner: StateOwner): Promise<SimulationState> {
  notBusy(owner, 'saveState');
  const layout = owner.layout(owner.step);
  const buffers = await Promise.all(layout.buffers.map((s) => s.read()));
  const values = await Promise.all(layout.values.map((s) => s.read()));
  return {
    format: STATE_FORMAT, kind: owner.kind, engine: owner.engine, step: owner.step, batch: owner.plan.batch,
    fingerprint: copyOf(planFingerprint(owner.plan)),
    buffers: Object.fromEntries(layout.buffers.map((s, k) => [s.name, buffers[k]])),
    values: Object.fromEntries(layout.values.map((s, k) => [s.name, values[k]])),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkFingerprint(saved: unknown, own: NetworkFingerprint): void {
  if (!isRecord(saved) || !isRecord(saved.network)) throw new SpecError('state.fingerprint', 'missing or not an object');
  for (const key of ['batch', 'dt', 'seeds'] as const) {
    if (saved[key] !== own[key]) {
      const what = key === 'seeds' ? 'seeds (the network was built or run with other seeds)' : `${key} ${saved[key]}; this simulation has ${key} ${own[key]}`;
      throw new SpecError(`state.fingerprint.${key}`, `the state was saved from a network with different ${what}`);
    }
  }
  const theirs = saved.network;
  const parts = [...new Set([...Object.keys(own.network), ...Object.keys(theirs)])].sort();
  const differ = parts.filter((k) => theirs[k] !== own.network[k]);
  if (differ.length) {
    throw new SpecError('state.fingerprint.network', `the state was saved from a different network (the parts that differ: ${differ.join(', ')})`);
  }
}

/** The checked entries of a state's buffers or values: exactly the slots' names, each of the slot's size. */
function entries<T extends { length: number }>(field: string, given: unknown, slots: StateSlot<T>[], check: (v: unknown, at: string) => T | undefined, unit: string): T[] {
  if (!isRecord(given)) throw new SpecError(`state.${field}`, 'missing or not an object');
  const names = new Set(slots.map((s) => s.name));
  const extra = Object.keys(given).filter((k) => !names.has(k));
  if (extra.length) throw new SpecError(`state.${field}`, `unknown ${extra.map((k) => JSON.stringify(k)).join(', ')} (this simulation has ${[...names].map((k) => JSON.stringify(k)).join(', ') || 'none'})`);
  return slots.map((s) => {
    const at = `state.${field}[${JSON.stringify(s.name)}]`;
    if (!Object.hasOwn(given, s.name)) throw new SpecError(at, 'missing');
    const v = check(given[s.name], at);
    if (v === undefined || v.length !== s.size) throw new SpecError(at, `expected ${s.size} ${unit}, got ${v === undefined ? typeof given[s.name] : v.length}`);
    return v;
  });
}

const asBytes = (v: unknown) => (ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined);

function asNumbers(v: unknown, at: string): number[] | undefined {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) return undefined;
  const values = Array.from(v as ArrayLike<unknown>);
  values.forEach((x, k) => { if (typeof x !== 'number' || !Number.isFinite(x)) throw new SpecError(`${at}[${k}]`, `expected a finite number, got ${String(x)}`); });
  return values as number[];
}

/**
 * Checks `state` against `owner` (format, kind, engine, step, fingerprint, every buffer and value by
 * name and size), then writes it; returns the step to continue from. Nothing is written unless all of it
 * fits: a refused state leaves the simulation as it was.
 */
export function restoreState(state: unknown, owner: StateOwner): number {
  notBusy(owner, 'loadState');
  if (!isRecord(state)) throw new SpecError('state', `expected a saved simulation state (an object), got ${state === null ? 'null' : typeof state}`);
  if (state.format !== STATE_FORMAT) throw new SpecError('state.format', `expected format ${STATE_FORMAT}, got ${JSON.stringify(state.format)}`);
  if (state.kind !== owner.kind) throw new SpecError('state.kind', `the state is of a ${JSON.stringify(state.kind)} network; this simulation is "${owner.kind}"`);
  if (state.engine !== owner.engine) throw new SpecError('state.engine', `the state was saved by ${JSON.stringify(state.engine)}; this simulation is "${owner.engine}" (a state loads into the engine that saved it)`);
  const step = state.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > 0xffffffff) throw new SpecError('state.step', `expected an integer in 0 .. 2^32 - 1, got ${String(step)}`);
  checkFingerprint(state.fingerprint, planFingerprint(owner.plan));
  const layout = owner.layout(step);
  const buffers = entries('buffers', state.buffers, layout.buffers, asBytes, 'bytes');
  const values = entries('values', state.values, layout.values, asNumbers, 'numbers');
  layout.buffers.forEach((s, k) => s.write(buffers[k]));
  layout.values.forEach((s, k) => s.write(values[k]));
  return step;
}
