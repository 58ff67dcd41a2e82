/**
 * The one way a kernel's WGSL is made: a template from shaders/ whose named splice points
 * (`//!splice NAME`, or `/*!splice NAME*\/` inside an expression) receive generated text. splice() fails
 * on a part the template has no place for and on a place left unfilled, so a template and its generator
 * cannot drift apart silently. Every kernel passes through it; with LAMINA_DUMP_SHADERS=DIR (under Node)
 * each assembled shader is also written to DIR/<kernel>.<hash>.wgsl.
 */
import type { Binding } from '../gpu/layouts.ts';
import { toWgsl, parseExpr } from '../models/expr.ts';
import { hostEnv, writeHostText } from '../util/host.ts';

/** Generated constants: numbers are u32 unless `types` says i32 or f32; booleans stay bool. */
export type Constants = Record<string, number | boolean>;
export type ConstantTypes = Record<string, 'i32' | 'f32'>;

/** A u32 literal (`7u`). */
export const u32Literal = (v: number): string => `${v >>> 0}u`;

/** A float literal that WGSL reads back as the same float32 (shortest round-trip decimal, as the model language writes it). */
export function f32Literal(v: number): string {
  return toWgsl(parseExpr(String(Math.abs(v))), (n) => n).replace(/^/, v < 0 ? '-' : '');
}

export function constantsBlock(c: Constants, types: ConstantTypes = {}): string {
  return Object.entries(c).map(([k, v]) => {
    if (typeof v === 'boolean') return `const ${k} = ${v};`;
    if (types[k] === 'f32') return `const ${k}: f32 = ${f32Literal(v)};`;
    if (!Number.isInteger(v)) throw new Error(`constant ${k} must be an integer, got ${v}`);
    if (types[k] === 'i32') return `const ${k}: i32 = ${v};`;
    if (v < 0 || v > 0xffffffff) throw new Error(`constant ${k} must be a u32, got ${v}`);
    return `const ${k}: u32 = ${v}u;`;
  }).join('\n');
}

const MARKER = /\/\/!splice ([\w-]+)|\/\*!splice ([\w-]+)\*\//g;

/** The splice points a template declares, in order of appearance. */
export function splicePoints(template: string): string[] {
  return [...template.matchAll(MARKER)].map((m) => m[1] ?? m[2]);
}

/** 32-bit FNV-1a of a string, as hex: a short stable name for a dumped shader. */
export function hashText(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The `@group(g) @binding(i) var...` declarations of a declared binding list (binding index = position). */
export function declareBindings(group: number, bindings: readonly Binding[]): string {
  return bindings.map((b, i) => {
    if (!b.type) throw new Error(`binding ${b.name} (group ${group}) declares no WGSL type`);
    const space = b.kind === 'uniform' || b.kind === 'step-uniform' ? 'uniform' : b.kind === 'storage' ? 'storage, read_write' : 'storage, read';
    return `@group(${group}) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
  }).join('\n');
}

/**
 * Entry points shared by many kernels, filled in wherever a template declares their splice point:
 * - main: one invocation per flat index in [0, FLAT_N) (a const the template declares), workgroups of 64
 *   folded into a 2-D grid (engine/gpu/pipelines.ts: grid); `flat` is the index, out-of-range lanes return;
 * - main-events: the workgroups of an event-driven kernel (wid, nwg, lid), each taking spikes
 *   wid.x, wid.x + nwg.x, ... of a step's lists; `step` and its spike-list `parity` are set.
 */
export const STANDARD_PARTS: Record<string, string> = {
  main: [
    '@compute @workgroup_size(64)',
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    '  let flat = gid.x + gid.y * nwg.x * 64u;',
    '  if (flat >= FLAT_N) { return; }',
  ].join('\n'),
  'main-events': [
    '@compute @workgroup_size(64)',
    'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,',
    '        @builtin(local_invocation_index) lid: u32) {',
    '  let step = step_info.step;',
    '  let parity = step % 2u;',
  ].join('\n'),
};

/**
 * Fills every splice point of `template` (kernel `kernel`, for messages and the dump) with `parts`.
 * Throws on a part without a place and on a place without a part (standard parts fill themselves); each place appears once.
 */
export function splice(kernel: string, template: string, given: Record<string, string>): string {
  const points = splicePoints(template);
  const parts = { ...given };
  for (const p of points) if (!(p in parts) && p in STANDARD_PARTS) parts[p] = STANDARD_PARTS[p];
  const missing = points.filter((p) => !(p in parts));
  const unused = Object.keys(parts).filter((p) => !points.includes(p));
  const twice = points.filter((p, i) => points.indexOf(p) !== i);
  if (missing.length || unused.length || twice.length) {
    throw new Error(`kernel ${kernel}: ${[
      missing.length ? `splice point${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not filled` : '',
      unused.length ? `no splice point for ${unused.join(', ')}` : '',
      twice.length ? `splice point${twice.length > 1 ? 's' : ''} ${twice.join(', ')} declared twice` : '',
    ].filter(Boolean).join('; ')}`);
  }
  const code = template.replace(MARKER, (_, a: string | undefined, b: string | undefined) => parts[(a ?? b)!]);
  const dir = hostEnv('LAMINA_DUMP_SHADERS');
  if (dir) writeHostText(dir, `${kernel}.${hashText(code)}.wgsl`, code);
  return code;
}
