/**
 * NumPy .npy format (version 1.0 written; 1.0, 2.0 and 3.0 read), without file access: numpy.load reads
 * what npyHeader + data give with the right shape and dtype. Writing files lives in engine/node/npy-files.ts.
 */
import { SpecError } from '../errors.ts';
import { readHostFile } from './host.ts';

export type NpyArray = Float32Array | Float64Array | Int32Array | Uint32Array;

export interface Npy {
  dtype: string;
  shape: number[];
  /** True when the data is column-major as stored in the file. */
  fortranOrder: boolean;
  data: NpyArray;
}

export function npyDescr(a: NpyArray): string {
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  return '<u4';
}

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * The header (magic, version, length, dict) padded so that data starts on a 64-byte boundary, or to
 * exactly `size` bytes (a header that can be rewritten in place once the row count is known).
 */
export function npyHeader(dtype: string, shape: number[], size?: number): Uint8Array {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const unpadded = 10 + dict.length + 1;
  const pad = size === undefined ? (64 - (unpadded % 64)) % 64 : size - unpadded;
  if (pad < 0) throw new Error(`npy header does not fit in ${size} bytes`);
  dict += ' '.repeat(pad) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set(latin1('\x93NUMPY'), 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(latin1(dict), 10);
  return out;
}

/** A whole .npy file in memory: header then the data's bytes. */
export function encodeNpy(data: NpyArray, shape: number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`npy: shape (${shape.join(', ')}) holds ${n} values, data has ${data.length}`);
  const head = npyHeader(npyDescr(data), shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}

/** int64 (numpy's default integer) as exact float64 values; beyond 2^53 a value could not be exact. */
function int64(ab: ArrayBuffer): Float64Array {
  const big = new BigInt64Array(ab);
  return Float64Array.from(big, (v, k) => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`int64 value ${v} at index ${k} is beyond 2^53`);
    return Number(v);
  });
}

const DTYPES: Record<string, { bytes: number; make: (ab: ArrayBuffer) => NpyArray }> = {
  '<f4': { bytes: 4, make: (ab) => new Float32Array(ab) },
  '<f8': { bytes: 8, make: (ab) => new Float64Array(ab) },
  '<i4': { bytes: 4, make: (ab) => new Int32Array(ab) },
  '<u4': { bytes: 4, make: (ab) => new Uint32Array(ab) },
  // numpy's default integer type; read as exact float64 values (dtype stays '<i8').
  '<i8': { bytes: 8, make: int64 },
};

/** What a .npy header says: dtype, shape, order, and where the data starts. */
export interface NpyHeader {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the data. */
  dataOffset: number;
  /** Bytes per value of the dtype. */
  itemBytes: number;
}

/** Parses the header at the start of `buf` (which need not hold the data): format versions 1.0, 2.0, 3.0. */
export function readNpyHeader(buf: Uint8Array): NpyHeader {
  const text = (from: number, to: number, utf8 = false) => (utf8 ? new TextDecoder().decode(buf.subarray(from, to)) : String.fromCharCode(...buf.subarray(from, to)));
  if (buf.length < 10 || text(0, 6) !== '\x93NUMPY') throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const major = buf[6];
  if (major < 1 || major > 3) throw new Error(`unsupported .npy format version ${major}.${buf[7]}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const [len, start] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  if (buf.length < start + len) throw new Error(`.npy header truncated: it needs ${start + len} bytes, got ${buf.length}`);
  const dict = text(start, start + len, major === 3);
  const dtype = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  if (dtype === undefined || shapeText === undefined || fortran === undefined) throw new Error(`malformed .npy header: ${dict.trim()}`);
  const kind = DTYPES[dtype];
  if (!kind) throw new Error(`unsupported .npy dtype '${dtype}' (supported: ${Object.keys(DTYPES).join(', ')})`);
  const shape = shapeText.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`malformed .npy shape (${shapeText})`);
  return { dtype, shape, fortranOrder: fortran === 'True', dataOffset: start + len, itemBytes: kind.bytes };
}

/** Values of `dtype` from little-endian bytes (int64 as exact float64 values). */
export function npyValues(dtype: string, bytes: ArrayBuffer): NpyArray {
  return DTYPES[dtype].make(bytes);
}

/**
 * Parses a .npy file (format versions 1.0, 2.0 and 3.0; little-endian float32, float64, int32, uint32 or
 * int64 (as exact float64 values); C or Fortran order).
 */
export function readNpy(buf: Uint8Array): Npy {
  const h = readNpyHeader(buf);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(h.dataOffset);
  if (bytes.length < count * h.itemBytes) throw new Error(`.npy data truncated: shape (${h.shape.join(', ')}) needs ${count * h.itemBytes} bytes, the file holds ${bytes.length}`);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * h.itemBytes) as ArrayBuffer;
  return { dtype: h.dtype, shape: h.shape, fortranOrder: h.fortranOrder, data: npyValues(h.dtype, ab) };
}

/** Reads and parses a .npy file (Node only); errors are SpecErrors naming `field`. */
export function loadNpy(path: string, field: string): Npy {
  try {
    return readNpy(readHostFile(path));
  } catch (e) {
    throw new SpecError(field, `cannot load "${path}": ${(e as Error).message}`);
  }
}

/**
 * A rows x cols float32 or float64 .npy file as a row-major float32 matrix (weights given as
 * { type: 'npy', file }). Errors are SpecErrors naming `field`.
 */
export function readNpyMatrix(path: string, rows: number, cols: number, field: string): Float32Array {
  const npy = loadNpy(path, field);
  if (npy.dtype !== '<f4' && npy.dtype !== '<f8') throw new SpecError(field, `"${path}" holds ${npy.dtype}; expected float32 or float64`);
  if (npy.shape.length !== 2 || npy.shape[0] !== rows || npy.shape[1] !== cols) {
    throw new SpecError(field, `"${path}" has shape (${npy.shape.join(', ')}); expected (${rows}, ${cols}) = (post, pre)`);
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = npy.data[npy.fortranOrder ? j * rows + i : i * cols + j];
      if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) throw new SpecError(field, `"${path}" holds ${v} at (${i}, ${j}): weights must be finite float32 values`);
      out[i * cols + j] = v;
    }
  }
  return out;
}
