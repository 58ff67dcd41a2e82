/**
 * Reading recordings without loading them whole: the header of a .npy file, the rows actually on disk
 * (fewer than the header states when a run was cut off before its header was rewritten), and rows read
 * by index or streamed in chunks. Host memory stays bounded whatever the file's size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { npyValues, readNpyHeader, type NpyArray } from '../util/npy.ts';

export interface NpyRows {
  dtype: string;
  /** The shape of one row (the header's shape without its first dimension). */
  rowShape: number[];
  /** Values per row. */
  rowValues: number;
  /** Rows the header states. */
  headerRows: number;
  /** Rows on disk: the header's count, or the whole rows the file holds when it is shorter. */
  rows: number;
  /** Rows [from, from + count) as one flat array. */
  read(from: number, count: number): NpyArray;
  close(): void;
}

/** Opens a C-order .npy file of at least one dimension for reading by rows. */
export function openNpyRows(path: string): NpyRows {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536));
    readSync(fd, head, 0, head.length, 0);
    const h = readNpyHeader(head);
    if (h.fortranOrder) throw new Error('Fortran-order arrays are not read by rows');
    if (h.shape.length === 0) throw new Error('a 0-d array has no rows');
    const rowShape = h.shape.slice(1), rowValues = rowShape.reduce((a, b) => a * b, 1), rowBytes = rowValues * h.itemBytes;
    const onDisk = rowBytes ? Math.floor((size - h.dataOffset) / rowBytes) : h.shape[0];
    const rows = Math.max(0, Math.min(h.shape[0], onDisk));
    return {
      dtype: h.dtype, rowShape, rowValues, headerRows: h.shape[0], rows,
      read(from, count) {
        const n = Math.max(0, Math.min(count, rows - from));
        const buf = new ArrayBuffer(n * rowBytes);
        for (let at = 0; at < buf.byteLength;) {
          const got = readSync(fd, new Uint8Array(buf, at), 0, buf.byteLength - at, h.dataOffset + from * rowBytes + at);
          if (got === 0) throw new Error(`${path}: file ended while reading rows ${from}..${from + n}`);
          at += got;
        }
        return npyValues(h.dtype, buf);
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Calls `each` with consecutive blocks of at most `chunkRows` rows (and the index of the block's first row). */
export function forEachRows(file: NpyRows, chunkRows: number, each: (block: NpyArray, firstRow: number) => void): void {
  for (let from = 0; from < file.rows; from += chunkRows) each(file.read(from, chunkRows), from);
}
