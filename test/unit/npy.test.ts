import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { npyHeader, readNpy, writeNpy } from '../../engine/record/npy.ts';

/** A Python with numpy: the one on PATH, else Debian's (where .ci/run installs python3-numpy). */
function pythonWithNumpy(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    try { execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }); return py; } catch { /* try the next */ }
  }
  return undefined;
}

describe('.npy files', () => {
  it('header is 64-byte aligned, version 1.0, with the shape and dtype', () => {
    const h = npyHeader('<f4', [3, 2, 5]);
    expect(h.length % 64).toBe(0);
    expect(h.toString('latin1', 0, 8)).toBe('\x93NUMPY\x01\x00');
    expect(h.toString('latin1')).toContain("'shape': (3, 2, 5)");
    expect(npyHeader('<f8', [7]).toString('latin1')).toContain("'shape': (7,)");
  });

  it('round-trips through readNpy and through numpy.load (CI installs numpy)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-npy-'));
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    writeNpy(join(dir, 'a.npy'), data, [2, 3, 4]);
    const back = readNpy(readFileSync(join(dir, 'a.npy')));
    expect(back.shape).toEqual([2, 3, 4]);
    expect([...back.data]).toEqual([...data]);
    const py = pythonWithNumpy();
    if (!py) {
      if (process.env.CI) throw new Error('numpy is required in CI (.ci/run installs python3-numpy)');
      return;
    }
    const out = execFileSync(py, ['-c', `import numpy as np; a = np.load('${join(dir, 'a.npy')}'); print(a.shape, a.dtype, float(a[1, 2, 3]))`]).toString().trim();
    expect(out).toBe(`(2, 3, 4) float32 ${data[23]}`);
  });
});
