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
});
