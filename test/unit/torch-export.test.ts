/**
 * scripts/torch-export.py from the command line (Debian's python3-torch; skipped without it outside
 * CI): a module saved inside a larger one, exported by --prefix and --layer, gives the arrays of that
 * layer in torch's layout, which Lamina's npy readers load; a bidirectional module is refused.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, readNpyMatrix } from '../../engine/util/npy.ts';
import { pythonWithTorch } from '../python.ts';


describe('scripts/torch-export.py', () => {
  const py = pythonWithTorch();
  it.skipIf(!py)('exports one layer of a submodule by --prefix and --layer; refuses a bidirectional module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-torch-export-'));
    const save = (bidirectional: boolean, file: string) => execFileSync(py!, ['-c', [
      'import torch',
      'torch.manual_seed(0)',
      `m = torch.nn.Sequential(torch.nn.GRU(3, 4, num_layers=2, bidirectional=${bidirectional ? 'True' : 'False'}))`,
      `torch.save(m.state_dict(), '${join(dir, file)}')`,
      `print(float(m[0].weight_hh_l1[5, 2]), float(m[0].bias_ih_l1[7]))`,
    ].join('\n')]).toString().trim().split(' ').map(Number);
    const [w52, b7] = save(false, 'gru.pt');
    execFileSync(py!, ['scripts/torch-export.py', join(dir, 'gru.pt'), join(dir, 'out'), '--prefix', '0.', '--layer', '1'], { stdio: 'pipe' });
    const whh = readNpyMatrix(join(dir, 'out', 'weight_hh.npy'), 12, 4, 'weight_hh');
    expect(whh[5 * 4 + 2]).toBe(Math.fround(w52));
    expect(readNpyMatrix(join(dir, 'out', 'weight_ih.npy'), 12, 4, 'weight_ih').length).toBe(48); // layer 1's input is layer 0's h
    const bias = readNpy(new Uint8Array(readFileSync(join(dir, 'out', 'bias_ih.npy'))));
    expect(bias.shape).toEqual([12]);
    expect(bias.data[7]).toBe(Math.fround(b7));
    save(true, 'bi.pt');
    const refused = spawnSync(py!, ['scripts/torch-export.py', join(dir, 'bi.pt'), join(dir, 'bi'), '--prefix', '0.']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.toString()).toMatch(/unidirectional/);
  }, 60_000);
});
