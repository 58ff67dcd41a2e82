/**
 * What a spec reads from .npy files is checked: NaN or infinite weights are refused naming the file and
 * the entry (they spread through the network before), numpy's default int64 tables are read (they were
 * refused), and a synapse table must hold integers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { writeNpy } from '../../engine/node/npy-files.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { npyHeader, readNpy, readNpyMatrix } from '../../engine/util/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-npy-inputs-'));

function int64Npy(path: string, values: bigint[], shape: number[]): void {
  const head = npyHeader('<i8', shape);
  const body = new Uint8Array(BigInt64Array.from(values).buffer);
  const out = new Uint8Array(head.length + body.length);
  out.set(head); out.set(body, head.length);
  writeFileSync(path, out);
}

function refusal(fn: () => unknown): SpecError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(SpecError); return e as SpecError; }
  throw new Error('accepted');
}

describe('.npy inputs', () => {
  it('a NaN or an infinity in a rate weight matrix is refused, naming the file and the entry', () => {
    writeNpy(join(dir, 'w.npy'), Float64Array.of(1, 2, NaN, 4), [2, 2]);
    const e = refusal(() => readNpyMatrix(join(dir, 'w.npy'), 2, 2, 'projections[0].weights.file'));
    expect(e.field).toBe('projections[0].weights.file');
    expect(e.message).toMatch(/holds NaN at \(1, 0\)/);
    writeNpy(join(dir, 'big.npy'), Float64Array.of(1, 1e39, 0, 0), [2, 2]);
    expect(refusal(() => readNpyMatrix(join(dir, 'big.npy'), 2, 2, 'f')).message).toMatch(/holds 1e\+39 at \(0, 1\)/);
  });

  it("numpy's default int64 is read exactly (and refused beyond 2^53)", () => {
    int64Npy(join(dir, 'i8.npy'), [0n, 1n, -7n, 2n ** 40n], [4]);
    const npy = readNpy(new Uint8Array(require('node:fs').readFileSync(join(dir, 'i8.npy'))));
    expect(npy.dtype).toBe('<i8');
    expect(Array.from(npy.data)).toEqual([0, 1, -7, 2 ** 40]);
    int64Npy(join(dir, 'huge.npy'), [2n ** 60n], [1]);
    expect(() => readNpy(new Uint8Array(require('node:fs').readFileSync(join(dir, 'huge.npy'))))).toThrow(/beyond 2\^53/);
  });

  const spec = (conn: Record<string, unknown>) => ({
    dt: 0.1, populations: [{ name: 'n', size: 3, model: 'lif_psc_exp' }],
    projections: [{ name: 'P', from: 'n', to: 'n', port: 'exc', connectivity: { type: 'explicit', ...conn }, weight: 5 }],
  });

  it('an int64 synapse table (numpy default) loads; a float table and NaN weights are refused', () => {
    int64Npy(join(dir, 'syn64.npy'), [0n, 1n, 2n, 1n, 2n, 3n], [2, 3]);
    const { plan } = compileSpiking(spec({ file: join(dir, 'syn64.npy') }));
    expect(plan.outgoing.reduce((a, o) => a + o.target.length, 0) + plan.projections.reduce((a, p) => a + p.synapses, 0)).toBeGreaterThan(0);
    writeNpy(join(dir, 'synf.npy'), Float32Array.of(0, 1, 2, 1, 2, 3), [2, 3]);
    expect(refusal(() => compileSpiking(spec({ file: join(dir, 'synf.npy') }))).message).toMatch(/integer table/);
    writeNpy(join(dir, 'syn32.npy'), Int32Array.of(0, 1, 2, 1, 2, 3), [2, 3]);
    writeNpy(join(dir, 'wnan.npy'), Float32Array.of(1, NaN), [2]);
    const e = refusal(() => compileSpiking(spec({ file: join(dir, 'syn32.npy'), weightsFile: join(dir, 'wnan.npy') })));
    expect(e.field).toBe('projections[0].connectivity.weightsFile');
    expect(e.message).toMatch(/weight 1 of instance 0 is NaN/);
  });
});
