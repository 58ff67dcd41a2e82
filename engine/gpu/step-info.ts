/**
 * The per-step uniform, declared once for every kernel of both network kinds: the WGSL struct is
 * generated from this declaration and the host writes it by field name. One StepInfo per step of a
 * chunk sits in the step buffer at a stride of STEP_STRIDE bytes; step s of the chunk is bound through
 * its own group-0 bind group, whose StepInfo window starts at s * STEP_STRIDE (a static offset).
 */
import { MAX_RECORDERS } from '../spec/limits.ts';
import { STEP_STRIDE } from './layouts.ts';

/** The u32 fields before the recorder slots, in order, with what each holds. */
export const STEP_FIELDS = {
  step: 'global step index n: this step advances t = n*dt to (n+1)*dt',
  never: 'always 0; read by keep() so that products are not fused into FMAs',
  local: 'index of the step within its chunk (rows of per-chunk tables such as the modulator table)',
  count: 'steps of the chunk from this one on (the fused spiking kernel loops over them)',
} as const;
export type StepField = keyof typeof STEP_FIELDS;

/** Recorder slots (u32 each, packed in vec4s): a recorder's row in its ring buffer for this step. */
export const STEP_SLOTS = MAX_RECORDERS;

const FIELD_NAMES = Object.keys(STEP_FIELDS) as StepField[];
const WORDS = STEP_STRIDE / 4;
if (FIELD_NAMES.length + STEP_SLOTS > WORDS || STEP_SLOTS % 4) throw new Error(`StepInfo: ${FIELD_NAMES.length} fields and ${STEP_SLOTS} slots do not fit ${STEP_STRIDE} bytes in vec4s`);
const FIELD = Object.fromEntries(FIELD_NAMES.map((f, k) => [f, k])) as Record<StepField, number>;

/** The WGSL declaration of StepInfo. */
export const STEP_INFO_WGSL = [
  '// The per-step uniform (generated from engine/gpu/step-info.ts).',
  'struct StepInfo {',
  ...FIELD_NAMES.map((f) => `  ${f}: u32,  // ${STEP_FIELDS[f]}`),
  `  slots: array<vec4<u32>, ${STEP_SLOTS / 4}>,  // per recorder: its row in the ring buffer for this step`,
  '}',
].join('\n');

/** Host side: the StepInfo rows of one chunk, written by field name. */
export class StepInfoRows {
  readonly data: Uint32Array<ArrayBuffer>;
  constructor(readonly count: number) {
    this.data = new Uint32Array(count * WORDS);
  }
  set(s: number, field: StepField, value: number): void {
    this.data[s * WORDS + FIELD[field]] = value;
  }
  /** Recorder slot k (< STEP_SLOTS: the recorder count is checked with the spec) of step s. */
  slot(s: number, k: number, value: number): void {
    this.data[s * WORDS + FIELD_NAMES.length + k] = value;
  }
}
