/**
 * Number and name types of the spec that the validators bound (engine/spec/checks.ts). To TypeScript
 * they are plain numbers and strings; their tags carry the bounds into the JSON Schema
 * (scripts/build-schema.mjs), so that an editor or a Python check refuses what the validator refuses.
 */

/**
 * A seed of the counter-based generator (Philox): an integer in [0, 2^32).
 * @asType integer
 * @minimum 0
 * @maximum 4294967295
 */
export type Seed = number;

/**
 * A number of steps: an integer in [1, 2^32 - 1] (step indices are 32-bit on the GPU).
 * @asType integer
 * @minimum 1
 * @maximum 4294967295
 */
export type StepCount = number;

/**
 * A whole number >= 1 (a size, a number of instances, a recording interval in steps).
 * @asType integer
 * @minimum 1
 */
export type PositiveInteger = number;

/**
 * A whole number >= 0 (a count that may be zero, an index).
 * @asType integer
 * @minimum 0
 */
export type Count = number;

/**
 * A time step or time constant [ms], > 0.
 * @exclusiveMinimum 0
 */
export type Duration = number;

/**
 * A name that becomes part of a file name (NAME.npy, weights_NAME.npy): 1 to 200 characters, no path
 * separator or NUL, not "." or "..".
 * @minLength 1
 * @maxLength 200
 * @pattern ^(?!\.\.?$)[^/\\\u0000]+$
 */
export type FileName = string;
