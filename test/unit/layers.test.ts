/**
 * The engine's dependencies point one way. Each folder of engine/ is a layer; a module may import from
 * its own layer and from layers below it, never from a layer above, and the import graph has no cycle
 * (type-only imports count: they couple the files just the same). engine/ never imports scenarios/,
 * bin/, bench/ or test/, and the core (everything but engine/node*) imports no Node module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Layers from the bottom: a module's layer is the first path segment under engine/ (files at the top: their name). */
export const LAYERS: Record<string, number> = {
  'errors.ts': 0, 'version.ts': 0,
  util: 1, analysis: 1, plot: 1,
  models: 2,
  spec: 3,
  plan: 4,
  gpu: 4,
  record: 5,
  codegen: 6,
  reference: 7,
  run: 8,
  'simulation.ts': 6,
  'index.ts': 9,
  node: 10, 'node.ts': 11,
};

/** Layers that may import Node modules: file output and figures. The rest is the core, which a browser bundle holds. */
const NODE_ONLY = new Set(['node', 'node.ts', 'plot']);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative paths (from the repository root) of what `file` imports: project files and bare specifiers. */
export function importsOf(file: string, source: string): { local: string[]; bare: string[] } {
  const local: string[] = [], bare: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) local.push(relative(ROOT, normalize(join(dirname(file), spec))));
    else bare.push(spec);
  }
  return { local, bare };
}

export function layerOf(path: string): string | undefined {
  if (!path.startsWith('engine/')) return undefined;
  return path.slice('engine/'.length).split('/')[0];
}

/** Every violation of the rules above in a graph of { file: imports }. */
export function violations(graph: Map<string, { local: string[]; bare: string[] }>): string[] {
  const out: string[] = [];
  for (const [file, { local, bare }] of graph) {
    const from = layerOf(file)!;
    const rank = LAYERS[from];
    if (rank === undefined) { out.push(`${file}: folder "${from}" is not a declared layer (add it to LAYERS)`); continue; }
    for (const dep of local) {
      const to = layerOf(dep);
      if (to === undefined) { out.push(`${file} imports ${dep}, outside engine/`); continue; }
      if (to.endsWith('.wgsl') || dep.startsWith('engine/') === false) continue;
      if (LAYERS[to] === undefined) { out.push(`${file} imports ${dep}: "${to}" is not a declared layer`); continue; }
      if (to !== from && LAYERS[to] >= rank) out.push(`${file} (${from}, layer ${rank}) imports ${dep} (${to}, layer ${LAYERS[to]}): upward or sideways`);
    }
    if (!NODE_ONLY.has(from)) for (const b of bare) if (b.startsWith('node:')) out.push(`${file} imports ${b}: the core must not import Node modules (use engine/node)`);
  }
  // Cycles: Tarjan's strongly connected components over engine files.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const strong = (v: string) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v)?.local ?? []).includes(v)) out.push(`import cycle: ${scc.sort().join(' -> ')}`);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

function engineGraph(): Map<string, { local: string[]; bare: string[] }> {
  const graph = new Map<string, { local: string[]; bare: string[] }>();
  for (const abs of walk(join(ROOT, 'engine'))) {
    const file = relative(ROOT, abs);
    const { local, bare } = importsOf(file, readFileSync(abs, 'utf8'));
    graph.set(file, { local: local.filter((d) => !d.endsWith('.wgsl') && !d.endsWith('.json')), bare });
  }
  return graph;
}

describe('engine layers', () => {
  it('imports point down the layers, without cycles, and the core imports no Node module', () => {
    expect(violations(engineGraph())).toEqual([]);
  });

  it('every engine folder is a declared layer and no source file is much over 400 lines', () => {
    const long: string[] = [];
    for (const abs of walk(join(ROOT, 'engine'))) {
      const file = relative(ROOT, abs);
      expect(LAYERS[layerOf(file)!], file).toBeDefined();
      const lines = readFileSync(abs, 'utf8').split('\n').length;
      if (lines > 420) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });

  it('detects a cycle, an upward import and a Node import (the check itself can fail)', () => {
    const g = (entries: [string, string[], string[]?][]) => new Map(entries.map(([f, local, bare]) => [f, { local, bare: bare ?? [] }]));
    expect(violations(g([['engine/plan/a.ts', ['engine/plan/b.ts']], ['engine/plan/b.ts', ['engine/plan/a.ts']]]))).toEqual(['import cycle: engine/plan/a.ts -> engine/plan/b.ts']);
    expect(violations(g([['engine/spec/a.ts', ['engine/run/b.ts']], ['engine/run/b.ts', []]]))[0]).toMatch(/upward/);
    expect(violations(g([['engine/plan/a.ts', [], ['node:fs']]]))[0]).toMatch(/Node modules/);
    expect(violations(g([['engine/node/a.ts', [], ['node:fs']], ['engine/plan/b.ts', []]]))).toEqual([]);
  });
});
