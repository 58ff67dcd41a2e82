/**
 * What a sweep needs to run on a cluster, independent of the engine: which share of the points this
 * process takes (`--shard i/n`, by default from a Slurm job array's environment), and the job-array
 * script that runs one share per array task.
 *
 * Shards count from 0, like SLURM_ARRAY_TASK_ID in an array submitted as `--array=0-(n-1)`. Point k
 * belongs to shard k mod n: shards differ by at most one point, and each takes points from the whole
 * grid, so a slow corner of the grid (large networks, high rates) is spread over every task instead of
 * landing on the last one.
 */
import { SpecError } from '../engine/errors.ts';

/** Shard `index` of `count` (0 <= index < count). */
export interface Shard {
  index: number;
  count: number;
}

const UINT = /^(0|[1-9]\d*)$/;

/** `--shard i/n`: shard i of n, i counting from 0. */
export function parseShard(text: string, field = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m || !UINT.test(m[1]) || !UINT.test(m[2])) throw new SpecError(field, `expected i/n with whole numbers, such as 0/4, got '${text}'`);
  const index = Number(m[1]), count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new SpecError(field, `n must be at least 1, got '${text}'`);
  if (index >= count) throw new SpecError(field, `i counts from 0 and must be below n, got '${text}'`);
  return { index, count };
}

type Env = Record<string, string | undefined>;

function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!UINT.test(v.trim())) throw new SpecError(name, `expected a whole number, got '${v}'`);
  return Number(v.trim());
}

/**
 * The shard of a Slurm job-array task, or undefined outside a job array (no SLURM_ARRAY_TASK_ID).
 * The task's position in its array is (ID - MIN) / STEP, so arrays that do not start at 0
 * (`--array=1-4`) or step (`--array=0-30:10`) work too; the count is SLURM_ARRAY_TASK_COUNT, or
 * (MAX - MIN) / STEP + 1 where a Slurm too old to set it is used. An array of listed indices that are not
 * evenly spaced (`--array=1,5,6`: Slurm then reports MIN 1, MAX 6, STEP 1, COUNT 3) has no such position,
 * and is refused: pass `--shard` explicitly.
 */
export function shardFromEnv(env: Env): Shard | undefined {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (id === undefined) return undefined;
  const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
  const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  const max = envInt(env, 'SLURM_ARRAY_TASK_MAX');
  const given = envInt(env, 'SLURM_ARRAY_TASK_COUNT');
  if (step < 1) throw new SpecError('SLURM_ARRAY_TASK_STEP', `must be at least 1, got ${step}`);
  const spanned = max === undefined ? undefined : (max - min) / step + 1;
  const count = given ?? spanned;
  const what = `task ${id} of an array with MIN ${min}, MAX ${max ?? 'unset'}, STEP ${step}, COUNT ${given ?? 'unset'}`;
  if (count === undefined) throw new SpecError('SLURM_ARRAY_TASK_COUNT', `unset and SLURM_ARRAY_TASK_MAX unset too (${what}): pass --shard i/n`);
  if (count < 1) throw new SpecError('SLURM_ARRAY_TASK_COUNT', `must be at least 1 (${what})`);
  if (spanned !== count || !Number.isInteger(spanned)) {
    throw new SpecError('SLURM_ARRAY_TASK_ID', `the array's indices are not an evenly spaced range (${what}), so this task's shard is unknown: pass --shard i/n, or submit --array=0-${count - 1}`);
  }
  const index = (id - min) / step;
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new SpecError('SLURM_ARRAY_TASK_ID', `${id} is not in the array (${what})`);
  return { index, count };
}

/** The shard to run: `--shard` when given, else the job array's (see shardFromEnv), else undefined (all points). */
export function resolveShard(flag: string | undefined, env: Env): Shard | undefined {
  return flag === undefined ? shardFromEnv(env) : parseShard(flag);
}

/** The shard that point `point` (0-based, in the sweep's order) belongs to. */
export function shardOf(point: number, count: number): number {
  if (!Number.isSafeInteger(point) || point < 0) throw new RangeError(`point index must be a whole number >= 0, got ${point}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`shard count must be a whole number >= 1, got ${count}`);
  return point % count;
}

/** The point indices of `total` that `shard` takes, in order. */
export function shardPoints(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let k = shard.index; k < total; k += shard.count) out.push(k);
  return out;
}
