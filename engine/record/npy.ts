/**
 * NumPy .npy files (format version 1.0): numpy.load reads them with the right shape and dtype.
 * NpySink streams recorder rows to one file per recorder as they arrive, so host memory stays bounded.
 */
import { closeSync, openSync, readFileSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../errors.ts';
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

const DTYPES: Record<string, { bytes: number; make: (ab: ArrayBuffer) => NpyArray }> = {
  '<f4': { bytes: 4, make: (ab) => new Float32Array(ab) },
  '<f8': { bytes: 8, make: (ab) => new Float64Array(ab) },
  '<i4': { bytes: 4, make: (ab) => new Int32Array(ab) },
  '<u4': { bytes: 4, make: (ab) => new Uint32Array(ab) },
};

/**
 * Parses a .npy file (format versions 1.0, 2.0 and 3.0; little-endian float32, float64, int32 or uint32;
 * C or Fortran order). `fortranOrder` true means the data is column-major as stored in the file.
 */
export function readNpy(buf: Buffer): { dtype: string; shape: number[]; fortranOrder: boolean; data: NpyArray } {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const major = buf[6];
  if (major < 1 || major > 3) throw new Error(`unsupported .npy format version ${major}.${buf[7]}`);
  const [len, start] = major === 1 ? [buf.readUInt16LE(8), 10] : [buf.readUInt32LE(8), 12];
  const dict = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + len);
  const dtype = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  if (dtype === undefined || shapeText === undefined || fortran === undefined) throw new Error(`malformed .npy header: ${dict.trim()}`);
  const kind = DTYPES[dtype];
  if (!kind) throw new Error(`unsupported .npy dtype '${dtype}' (supported: ${Object.keys(DTYPES).join(', ')})`);
  const shape = shapeText.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`malformed .npy shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(start + len);
  if (bytes.length < count * kind.bytes) throw new Error(`.npy data truncated: shape (${shape.join(', ')}) needs ${count * kind.bytes} bytes, the file holds ${bytes.length}`);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * kind.bytes) as ArrayBuffer;
  return { dtype, shape, fortranOrder: fortran === 'True', data: kind.make(ab) };
}

/**
 * A rows x cols float32 or float64 .npy file as a row-major float32 matrix (weights given as
 * { type: 'npy', file }). Errors are SpecErrors naming `field`.
 */
export function readNpyMatrix(path: string, rows: number, cols: number, field: string): Float32Array {
  let npy: ReturnType<typeof readNpy>;
  try {
    npy = readNpy(readFileSync(path));
  } catch (e) {
    throw new SpecError(field, `cannot load "${path}": ${(e as Error).message}`);
  }
  if (npy.dtype !== '<f4' && npy.dtype !== '<f8') throw new SpecError(field, `"${path}" holds ${npy.dtype}; expected float32 or float64`);
  if (npy.shape.length !== 2 || npy.shape[0] !== rows || npy.shape[1] !== cols) {
    throw new SpecError(field, `"${path}" has shape (${npy.shape.join(', ')}); expected (${rows}, ${cols}) = (post, pre)`);
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = npy.data[npy.fortranOrder ? j * rows + i : i * cols + j];
  }
  return out;
}

/** Streams each recorder to DIR/NAME.npy with shape (rows, batch, width), or (rows, batch, ...shape) when the recorder gives one. */
export class NpySink implements RecordSink {
  private files = new Map<string, { fd: number; expected: number; written: number }>();
  constructor(private readonly dir: string) {}
  begin(rec: RecorderInfo, totalRows: number): void {
    const fd = openSync(join(this.dir, `${rec.name}.npy`), 'w');
    writeSync(fd, npyHeader('<f4', [totalRows, rec.batch, ...(rec.shape ?? [rec.width])]));
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
