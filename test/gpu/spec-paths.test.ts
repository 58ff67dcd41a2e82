/** Every path a spec file names is read relative to the spec file (spiking connectivity files included). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../engine/node/npy-files.ts';
import { runToDirectory } from '../../scenarios/run.ts';

describe('paths in a spec file', () => {
  it('spiking connectivity files resolve from the spec file, as rate weight files do', async () => {
    const specDir = mkdtempSync(join(tmpdir(), 'lamina-spec-dir-'));
    writeNpy(join(specDir, 'syn.npy'), Int32Array.of(0, 1, 2, 1, 2, 3), [2, 3]);
    writeNpy(join(specDir, 'w.npy'), Float32Array.of(5, 6), [2]);
    writeFileSync(join(specDir, 'net.json'), JSON.stringify({
      dt: 0.1, steps: 20, populations: [{ name: 'n', size: 3, model: 'lif_psc_exp' }],
      projections: [{ name: 'P', from: 'n', to: 'n', port: 'exc', connectivity: { type: 'explicit', file: 'syn.npy', weightsFile: 'w.npy' }, weight: 1 }],
    }));
    // The working directory (the repository) holds no syn.npy: the path must be read relative to the spec.
    const out = mkdtempSync(join(tmpdir(), 'lamina-spec-out-'));
    const { pass } = await runToDirectory({ target: join(specDir, 'net.json'), out });
    expect(pass).toBe(true);
  });

  it('a gated population\'s weight and bias files resolve from the spec file', async () => {
    const specDir = mkdtempSync(join(tmpdir(), 'lamina-spec-dir-'));
    writeNpy(join(specDir, 'w_ih.npy'), Float32Array.from({ length: 6 }, (_, k) => k / 6), [6, 1]);
    writeNpy(join(specDir, 'b_ih.npy'), Float32Array.from({ length: 6 }, (_, k) => -k / 6), [6]);
    writeFileSync(join(specDir, 'net.json'), JSON.stringify({
      dt: 1, steps: 5, units: { identity: { params: {}, update: 'x = I_ext;', activation: 'x' } },
      populations: [{ name: 'X', size: 1, unit: 'identity' }, { name: 'G', size: 2, gated: 'gru' }],
      projections: [{ name: 'ih', from: 'X', to: 'G', weights: { type: 'npy', file: 'w_ih.npy' }, bias: { file: 'b_ih.npy' } }],
      inputs: [{ name: 'x', target: 'X' }],
      record: [{ name: 'h', population: 'G' }],
    }));
    const out = mkdtempSync(join(tmpdir(), 'lamina-spec-out-'));
    const { pass } = await runToDirectory({ target: join(specDir, 'net.json'), out });
    expect(pass).toBe(true);
  });
});
