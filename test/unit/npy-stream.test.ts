/**
 * Streamed .npy files are loadable at every moment: the header states the rows on disk after each append,
 * and a file continued from a checkpoint is cut back to the checkpoint's rows first.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrowingNpy, NpyRowsWriter, NpySink, readNpyFile } from '../../engine/node/npy-files.ts';
import type { RecorderInfo } from '../../engine/record/recorders.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-npy-stream-'));

describe('streamed .npy files', () => {
  it('a spike table states its rows after every append, before it is closed', () => {
    const path = join(dir, 'spikes.npy');
    const w = new NpyRowsWriter(path, 3);
    expect(readNpyFile(path).shape).toEqual([0, 3]);
    w.append(Int32Array.from([1, 0, 7, 2, 0, 9]));
    // Not closed: a run killed here leaves exactly these rows, readable.
    const mid = readNpyFile(path);
    expect(mid.shape).toEqual([2, 3]);
    expect(Array.from(mid.data)).toEqual([1, 0, 7, 2, 0, 9]);
    w.append(Int32Array.from([5, 1, 3]));
    expect(readNpyFile(path).shape).toEqual([3, 3]);
    expect(w.close()).toBe(3);
    expect(() => new NpyRowsWriter(path, 3).append(Int32Array.from([1, 2]))).toThrow(/whole rows/);
  });

  it('a recorder file grows chunk by chunk, and later runs of the same sink append to it', () => {
    const info = { name: 'v', batch: 2, width: 3 } as RecorderInfo;
    const sink = new NpySink(dir);
    sink.begin(info);
    sink.write(info, Float32Array.from({ length: 12 }, (_, i) => i), 2);
    expect(readNpyFile(join(dir, 'v.npy')).shape).toEqual([2, 2, 3]);
    sink.end(info);
    sink.begin(info);
    sink.write(info, Float32Array.from({ length: 6 }, (_, i) => 100 + i), 1);
    sink.end(info);
    const all = readNpyFile(join(dir, 'v.npy'));
    expect(all.shape).toEqual([3, 2, 3]);
    expect(Array.from(all.data.subarray(12))).toEqual([100, 101, 102, 103, 104, 105]);
    expect(sink.written()).toEqual({ v: 3 });
  });

  it('resuming cuts a file back to the checkpoint rows and continues after them', () => {
    const path = join(dir, 'r.npy');
    const g = new GrowingNpy(path, '<f4', [2]);
    g.append(new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer));
    g.close();
    const again = new GrowingNpy(path, '<f4', [2], 1, true);
    expect(statSync(path).size).toBe(128 + 8);
    again.append(new Uint8Array(Float32Array.from([9, 9]).buffer));
    again.close();
    expect(Array.from(readNpyFile(path).data)).toEqual([1, 2, 9, 9]);
    expect(() => new GrowingNpy(path, '<f4', [2], 5, true)).toThrow(/holds 2 rows, the checkpoint needs 5/);
    expect(readFileSync(path).length).toBe(128 + 16);
  });
});
