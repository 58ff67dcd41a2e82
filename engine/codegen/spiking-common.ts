/**
 * What every spiking kernel's WGSL shares: group 0 (the generated StepInfo and
 * shaders/lib/spiking-bindings.wgsl), the constants' types, and splice() with the kernel's group-1
 * declarations (engine/gpu/layouts.ts: SPIKING_GROUP1) appended to its library.
 */
import spikingBindings from '../../shaders/lib/spiking-bindings.wgsl';
import { SPIKING_GROUP1, type SpikingKernel } from '../gpu/layouts.ts';
import { STEP_INFO_WGSL } from '../gpu/step-info.ts';
import { constantsBlock, declareBindings, splice, type Constants, type ConstantTypes } from './wgsl.ts';

/** Constants that are f32 (all other numbers are u32). */
const F32: ConstantTypes = { DT: 'f32' };
export const constants = (c: Constants) => constantsBlock(c, F32);

/** Group 0 of every spiking kernel. */
export const bindings = `${STEP_INFO_WGSL}\n${spikingBindings}`;

/** splice() with the kernel's group-1 declarations after its library. */
export function spikingSplice(kind: SpikingKernel, template: string, parts: { constants: string; lib: string } & Record<string, string>): string {
  return splice(kind, template, { ...parts, lib: `${parts.lib}\n${declareBindings(1, SPIKING_GROUP1[kind])}` });
}
