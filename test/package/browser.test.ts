/**
 * The library's core (engine/index.ts, the package's main entry) bundles for the browser: esbuild with
 * platform 'browser' must find no Node module in it, and the bundle must load and run where Node's
 * globals (process, Buffer, require) do not exist. Dawn's binding (npm `webgpu`) is external, as a
 * browser bundle marks it: the core loads it only on first use, where navigator.gpu is absent.
 */
import { describe, expect, it } from 'vitest';
import { build, type BuildFailure } from 'esbuild';
import { createContext, runInContext } from 'node:vm';

async function browserBundle(format: 'esm' | 'iife') {
  try {
    return await build({
      entryPoints: ['engine/index.ts'], bundle: true, write: false, platform: 'browser', format, globalName: 'lamina',
      target: 'es2022', loader: { '.wgsl': 'text' }, logLevel: 'silent', metafile: true, external: ['webgpu'],
    });
  } catch (e) {
    // Name every import that blocks the build (file: import), so the failure says what to move.
    const errors = (e as BuildFailure).errors ?? [];
    const lines = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ${m.location.lineText.trim()}` : ''} (${m.text})`);
    throw new Error(`the browser bundle of engine/index.ts does not build:\n${lines.join('\n') || (e as Error).message}`);
  }
}

describe('browser bundle of the core', () => {
  it('builds with esbuild platform browser: no Node module among its inputs', async () => {
    const result = await browserBundle('esm');
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((p) => !/^(engine|shaders)\/|^package\.json$/.test(p))).toEqual([]);
    // What the bundle still imports: Dawn, dynamically (on first use, where navigator.gpu is absent).
    const imports = Object.values(result.metafile!.outputs).flatMap((o) => o.imports.map((i) => `${i.kind} ${i.path}`));
    expect(imports).toEqual(['dynamic-import webgpu']);
  });

  it('loads and runs a spiking CPU twin where process, Buffer and require do not exist', async () => {
    const result = await browserBundle('iife');
    const context = createContext({ console, TextEncoder, TextDecoder, performance, URL });
    runInContext(result.outputFiles[0].text, context, { filename: 'lamina.browser.js' });
    const lib = context.lamina as typeof import('../../engine/index.ts');
    expect(typeof lib.SpikingSimulation.create).toBe('function');
    expect(typeof lib.RateSimulation.create).toBe('function');
    const spec = {
      dt: 0.1, populations: [{ name: 'n', size: 4, model: 'lif_psc_exp' }],
      inputs: [{ name: 'drive', target: 'n', type: 'dc', amplitude: [400, 500, 600, 700] }],
      record: [{ name: 'spikes', population: 'n', what: 'spikes' }],
    };
    let spikes = 0;
    const twin = lib.createReference(spec);
    await twin.run(500, { onSpikes: (_recorder, steps) => { spikes += steps.length; } });
    expect(spikes).toBeGreaterThan(0);
    // Its state saves (fingerprint hashed without node:crypto) and loads into a fresh twin.
    const resumed = lib.createReference(spec);
    resumed.loadState(await twin.saveState());
    expect(resumed.step).toBe(500);
    expect(() => lib.validateSpec({ dt: -1 })).toThrow(/dt|populations/);
  });
});
