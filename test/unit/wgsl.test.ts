/**
 * The one splice every kernel passes through: a part without a splice point, a splice point without a
 * part and a point declared twice are errors naming the kernel; standard entry points fill themselves;
 * LAMINA_DUMP_SHADERS writes each assembled kernel once, named by kernel and content hash.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { constantsBlock, declareBindings, hashText, splice, STANDARD_PARTS } from '../../engine/codegen/wgsl.ts';

const template = '//!splice constants\nfn f() -> bool { return /*!splice cond*/; }\n';

describe('splice', () => {
  afterEach(() => { delete process.env.LAMINA_DUMP_SHADERS; });

  it('fills every point, inline ones included, and nothing else', () => {
    expect(splice('k', template, { constants: 'const A: u32 = 1u;', cond: 'A > 0u' })).toBe('const A: u32 = 1u;\nfn f() -> bool { return A > 0u; }\n');
  });

  it('rejects a missing part, an unused part and a point declared twice, naming the kernel', () => {
    expect(() => splice('kern', template, { constants: '' })).toThrow(/kernel kern: splice point cond not filled/);
    expect(() => splice('kern', template, { constants: '', cond: 'true', lib: '' })).toThrow(/no splice point for lib/);
    expect(() => splice('kern', `${template}//!splice constants\n`, { constants: '', cond: 'true' })).toThrow(/constants declared twice/);
  });

  it('fills standard entry points it is not given, and takes a given one instead', () => {
    const code = splice('k', 'const FLAT_N = 4u;\n//!splice main\n  out[flat] = 1u;\n}\n', {});
    expect(code).toContain(STANDARD_PARTS.main);
    expect(splice('k', '//!splice main\n', { main: 'custom' })).toBe('custom\n');
  });

  it('leaves $-patterns in generated code alone', () => {
    expect(splice('k', '//!splice lib\n', { lib: "a$&b$'c" })).toBe("a$&b$'c\n");
  });

  it('LAMINA_DUMP_SHADERS writes each assembled kernel as <kernel>.<hash>.wgsl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-dump-'));
    process.env.LAMINA_DUMP_SHADERS = dir;
    const code = splice('my-kernel', template, { constants: '', cond: 'true' });
    expect(readdirSync(dir)).toEqual([`my-kernel.${hashText(code)}.wgsl`]);
    expect(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')).toBe(code);
  });
});

describe('generated declarations', () => {
  it('constants: u32 by default, i32 and f32 where typed, bool as is; out-of-range values are errors', () => {
    expect(constantsBlock({ N: 3, S: -2, DT: 0.25, ON: true }, { S: 'i32', DT: 'f32' })).toBe('const N: u32 = 3u;\nconst S: i32 = -2;\nconst DT: f32 = 0.25;\nconst ON = true;');
    expect(() => constantsBlock({ N: -1 })).toThrow(/N must be a u32/);
    expect(() => constantsBlock({ N: 1.5 })).toThrow(/N must be an integer/);
  });

  it('bindings: address space from the declared kind, binding index from the position', () => {
    expect(declareBindings(1, [{ name: 'a', kind: 'read-only-storage', type: 'array<f32>' }, { name: 'b', kind: 'storage', type: 'array<u32>' }, { name: 'c', kind: 'uniform', type: 'vec4<u32>' }]))
      .toBe('@group(1) @binding(0) var<storage, read> a: array<f32>;\n@group(1) @binding(1) var<storage, read_write> b: array<u32>;\n@group(1) @binding(2) var<uniform> c: vec4<u32>;');
    expect(() => declareBindings(1, [{ name: 'a', kind: 'storage' }])).toThrow(/declares no WGSL type/);
  });
});
