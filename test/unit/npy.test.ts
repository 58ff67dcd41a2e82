import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { npyHeader, readNpy, writeNpy } from '../../engine/node/npy-files.ts';
import { readNpyMatrix } from '../../engine/util/npy.ts';
import { pythonWith } from '../python.ts';

/** A Python with numpy: the one on PATH, else Debian's (where .ci/run installs python3-numpy). */
const pythonWithNumpy = () => pythonWith('numpy', '.ci/run installs python3-numpy');

describe('.npy files', () => {
  it('header is 64-byte aligned, version 1.0, with the shape and dtype', () => {
    const h = Buffer.from(npyHeader('<f4', [3, 2, 5]));
    expect(h.length % 64).toBe(0);
    expect(h.toString('latin1', 0, 8)).toBe('\x93NUMPY\x01\x00');
    expect(h.toString('latin1')).toContain("'shape': (3, 2, 5)");
    expect(Buffer.from(npyHeader('<f8', [7])).toString('latin1')).toContain("'shape': (7,)");
  });

  it('round-trips through readNpy and through numpy.load (CI installs numpy)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-npy-'));
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    writeNpy(join(dir, 'a.npy'), data, [2, 3, 4]);
    const back = readNpy(readFileSync(join(dir, 'a.npy')));
    expect(back.shape).toEqual([2, 3, 4]);
    expect([...back.data]).toEqual([...data]);
    const py = pythonWithNumpy();
    if (!py) return;
    const out = execFileSync(py, ['-c', `import numpy as np; a = np.load('${join(dir, 'a.npy')}'); print(a.shape, a.dtype, float(a[1, 2, 3]))`]).toString().trim();
    expect(out).toBe(`(2, 3, 4) float32 ${data[23]}`);
  });
});

describe('.npy reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-npy-read-'));

  it('round-trips float32, float64, int32 and uint32 arrays of any rank', () => {
    const arrays = [
      [Float32Array.from({ length: 12 }, (_, i) => i / 7 - 1), [3, 4]],
      [Float64Array.from({ length: 6 }, (_, i) => Math.PI * i), [6]],
      [Int32Array.from({ length: 8 }, (_, i) => -i * 1000), [2, 2, 2]],
      [Uint32Array.from({ length: 3 }, (_, i) => 0xffffffff - i), [3, 1]],
    ] as const;
    for (const [data, shape] of arrays) {
      writeNpy(join(dir, 'x.npy'), data, [...shape]);
      const back = readNpy(readFileSync(join(dir, 'x.npy')));
      expect(back.shape).toEqual(shape);
      expect(back.fortranOrder).toBe(false);
      expect(back.data.constructor).toBe(data.constructor);
      expect([...back.data]).toEqual([...data]);
    }
  });

  it('reads format 2.0 headers and Fortran order; readNpyMatrix transposes it and converts float64', () => {
    const dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
    const head = Buffer.alloc(12);
    head.write('\x93NUMPY', 0, 'latin1'); head[6] = 2; head[7] = 0; head.writeUInt32LE(dict.length + 1, 8);
    // Column-major storage of [[1, 2, 3], [4, 5, 6]].
    const data = Buffer.from(Float64Array.of(1, 4, 2, 5, 3, 6).buffer);
    const path = join(dir, 'f.npy');
    writeFileSync(path, Buffer.concat([head, Buffer.from(dict + '\n', 'latin1'), data]));
    const raw = readNpy(readFileSync(path));
    expect(raw.fortranOrder).toBe(true);
    expect(raw.shape).toEqual([2, 3]);
    expect([...readNpyMatrix(path, 2, 3, 'w')]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects bad files with a message naming the problem', () => {
    const good = join(dir, 'g.npy');
    writeNpy(good, Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    expect(() => readNpyMatrix(good, 3, 2, 'projections[0].weights.file')).toThrow(/projections\[0\]\.weights\.file: .* has shape \(2, 3\); expected \(3, 2\)/);
    writeNpy(join(dir, 'i.npy'), Int32Array.of(1, 2), [1, 2]);
    expect(() => readNpyMatrix(join(dir, 'i.npy'), 1, 2, 'f')).toThrow(/holds <i4; expected float32 or float64/);
    const truncated = readFileSync(good).subarray(0, 64 + 8);
    expect(() => readNpy(truncated)).toThrow(/truncated/);
    expect(() => readNpy(Buffer.from('hello world, not numpy'))).toThrow(/not a .npy file/);
    expect(() => readNpyMatrix(join(dir, 'missing.npy'), 1, 1, 'f')).toThrow(/f: cannot load/);
  });

  it('reads what numpy writes (CI installs numpy)', () => {
    const py = pythonWithNumpy();
    if (!py) return;
    const path = join(dir, 'np.npy');
    execFileSync(py, ['-c', `import numpy as np; np.save('${path}', np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 8))`]);
    expect([...readNpyMatrix(path, 3, 4, 'w')]).toEqual(Array.from({ length: 12 }, (_, i) => i / 8));
  });
});
