/**
 * Checks shared by the rate and spiking spec validators: each takes an untrusted value and the path of
 * the field it came from, and throws a SpecError naming that path.
 */
import { SpecError } from '../errors.ts';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, field: string, allowed: readonly string[]): Obj {
  if (!isObj(v)) throw new SpecError(field, `expected an object, got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw new SpecError(`${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v;
}

export function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : String(v);
}

/** The largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;

/** Undefined if `x` stays finite as a float32, else why not (1e39 would become infinity on the GPU). */
export function float32Problem(x: number): string | undefined {
  return Number.isFinite(Math.fround(x)) ? undefined : `${x} is beyond the float32 range (|x| <= ${F32_MAX.toExponential(3)}): it would become ${x > 0 ? '' : '-'}infinity on the GPU`;
}

/**
 * A finite number within the float32 range. Every number of a spec becomes a float32 on the GPU (or is
 * held to tighter limits: sizes, steps, seeds), so the checks below all start here.
 */
export function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(field, `expected a finite number, got ${describe(v)}`);
  const bad = float32Problem(v);
  if (bad) throw new SpecError(field, bad);
  return v;
}

export function positive(v: unknown, field: string): number {
  const x = finite(v, field);
  if (!(x > 0)) throw new SpecError(field, `must be > 0, got ${x}`);
  return x;
}

export function integer(v: unknown, field: string, min: number): number {
  const x = finite(v, field);
  if (!Number.isInteger(x) || x < min) throw new SpecError(field, `expected an integer >= ${min}, got ${x}`);
  return x;
}

/**
 * A name that becomes part of a file name (recorders: NAME.npy; projections: weights_NAME.npy;
 * populations): non-empty, no path separator or NUL, not "." or "..", at most 200 characters.
 */
export function fileName(v: unknown, field: string): string {
  const s = str(v, field);
  if (/[/\\\0]/.test(s) || s === '.' || s === '..' || s.length > 200) {
    throw new SpecError(field, `"${s}" cannot name a file: use letters, digits and . _ - (no path separators, not "." or "..", at most 200 characters)`);
  }
  return s;
}

/** A Philox seed: an integer in [0, 2^32). */
export function seed32(v: unknown, field: string): number {
  const x = integer(v, field, 0);
  if (x > 0xffffffff) throw new SpecError(field, `a seed is 32 bits: an integer in [0, 4294967295], got ${x}`);
  return x;
}

/** The most steps one run may take: step indices are u32 on the GPU. */
export const MAX_STEPS = 0xffffffff;

/** A number of steps: an integer in [1, MAX_STEPS]. */
export function stepCount(v: unknown, field: string): number {
  const n = integer(v, field, 1);
  if (n > MAX_STEPS) throw new SpecError(field, `at most ${MAX_STEPS} steps (step indices are 32-bit), got ${n}`);
  return n;
}

export function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new SpecError(field, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, field: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new SpecError(field, `expected one of ${options.join(' | ')}, got ${describe(v)}`);
  }
  return v as T;
}

export function numArray(v: unknown, field: string, length?: number, check = finite): number[] {
  if (!Array.isArray(v)) throw new SpecError(field, `expected an array of numbers, got ${describe(v)}`);
  if (length !== undefined && v.length !== length) throw new SpecError(field, `expected length ${length}, got ${v.length}`);
  return v.map((x, k) => check(x, `${field}[${k}]`));
}

export function uniqueNames(items: { name: string }[], field: string): Map<string, number> {
  const seen = new Map<string, number>();
  items.forEach((it, k) => {
    if (seen.has(it.name)) throw new SpecError(`${field}[${k}].name`, `duplicate name "${it.name}"`);
    seen.set(it.name, k);
  });
  return seen;
}
