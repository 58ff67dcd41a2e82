/** Limits every spec is checked against, whatever runs it. */

/** Recorders one network may have: each has a slot in the per-step uniform (engine/gpu/step-info.ts). */
export const MAX_RECORDERS = 60;
