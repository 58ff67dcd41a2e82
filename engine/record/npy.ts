/**
 * NumPy .npy files (format version 1.0): numpy.load reads them with the right shape and dtype.
 * NpySink streams recorder rows to one file per recorder as they arrive, so host memory stays bounded.
 */
import { closeSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordSink, RecorderInfo } from './recorders.ts';

export type NpyArray = Float32Array | Float64Array | Int32Array | Uint32Array;

function descr(a: NpyArray): string {
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  return '<u4';
}

/**
 * The header (magic, version, length, dict) padded so that data starts on a 64-byte boundary, or to
 * exactly `size` bytes (a header that can be rewritten in place once the row count is known).
 */
export function npyHeader(dtype: string, shape: number[], size?: number): Buffer {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const unpadded = 10 + dict.length + 1;
  const pad = size === undefined ? (64 - (unpadded % 64)) % 64 : size - unpadded;
  if (pad < 0) throw new Error(`npy header does not fit in ${size} bytes`);
  dict += ' '.repeat(pad) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

export function writeNpy(path: string, data: NpyArray, shape: number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`writeNpy ${path}: shape ${shape} holds ${n} values, data has ${data.length}`);
  writeFileSync(path, Buffer.concat([npyHeader(descr(data), shape), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** Parses a .npy file written by writeNpy (for tests and for loading arrays given to the CLI). */
export function readNpy(buf: Buffer): { dtype: string; shape: number[]; data: NpyArray } {
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const len = buf.readUInt16LE(8);
  const dict = buf.toString('latin1', 10, 10 + len);
  const dtype = /'descr': '([^']+)'/.exec(dict)![1];
  const shape = /'shape': \(([^)]*)\)/.exec(dict)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const bytes = buf.subarray(10 + len);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = dtype === '<f4' ? new Float32Array(ab) : dtype === '<f8' ? new Float64Array(ab) : dtype === '<i4' ? new Int32Array(ab) : new Uint32Array(ab);
  return { dtype, shape, data };
}

/** Streams each recorder to DIR/NAME.npy with shape (rows, batch, width). */
export class NpySink implements RecordSink {
  private files = new Map<string, { fd: number; expected: number; written: number }>();
  constructor(private readonly dir: string) {}
  begin(rec: RecorderInfo, totalRows: number): void {
    const fd = openSync(join(this.dir, `${rec.name}.npy`), 'w');
    writeSync(fd, npyHeader('<f4', [totalRows, rec.batch, rec.width]));
    this.files.set(rec.name, { fd, expected: totalRows, written: 0 });
  }
  write(rec: RecorderInfo, rows: Float32Array, count: number): void {
    const f = this.files.get(rec.name)!;
    writeSync(f.fd, new Uint8Array(rows.buffer, rows.byteOffset, count * rec.batch * rec.width * 4));
    f.written += count;
  }
  end(rec: RecorderInfo): void {
    const f = this.files.get(rec.name)!;
    closeSync(f.fd);
    if (f.written !== f.expected) throw new Error(`recorder "${rec.name}": wrote ${f.written} rows, header says ${f.expected}`);
  }
}

/**
 * An int32 table of unknown length streamed to a .npy file: rows are appended as they come and the
 * header (fixed at 128 bytes) is rewritten with the final row count on close.
 */
export class NpyRowsWriter {
  private fd: number;
  private rows = 0;
  constructor(private readonly path: string, private readonly width: number) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, npyHeader('<i4', [0, width], 128));
  }
  append(data: Int32Array): void {
    if (data.length % this.width) throw new Error(`${this.path}: ${data.length} values are not whole rows of ${this.width}`);
    writeSync(this.fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.rows += data.length / this.width;
  }
  close(): number {
    writeSync(this.fd, npyHeader('<i4', [this.rows, this.width], 128), 0, 128, 0);
    closeSync(this.fd);
    return this.rows;
  }
}

/** Forwards rows to several sinks (e.g. a file and an in-memory analysis). */
export class TeeSink implements RecordSink {
  constructor(private readonly sinks: RecordSink[]) {}
  async begin(rec: RecorderInfo, rows: number) { for (const s of this.sinks) await s.begin?.(rec, rows); }
  async write(rec: RecorderInfo, rows: Float32Array, count: number) { for (const s of this.sinks) await s.write(rec, rows, count); }
  async end(rec: RecorderInfo) { for (const s of this.sinks) await s.end?.(rec); }
}
