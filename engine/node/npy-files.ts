/**
 * .npy files on disk (Node): whole arrays, recorder rows streamed as they arrive (host memory stays
 * bounded), and int32 tables of unknown length whose header is rewritten with the row count on close.
 */
import { closeSync, openSync, readFileSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { SpecError } from '../errors.ts';
import { formatBytes } from '../util/bytes.ts';
import { join } from 'node:path';
import { recordingVolume, type RecordSink, type RecorderInfo } from '../record/recorders.ts';
import { encodeNpy, npyHeader, readNpy, type Npy, type NpyArray } from '../util/npy.ts';

export { npyHeader, readNpy, type Npy, type NpyArray };

export function writeNpy(path: string, data: NpyArray, shape: number[]): void {
  try {
    writeFileSync(path, encodeNpy(data, shape));
  } catch (e) {
    throw new Error(`writeNpy ${path}: ${(e as Error).message}`);
  }
}

/** Reads a .npy file. */
export function readNpyFile(path: string): Npy {
  return readNpy(readFileSync(path));
}

/** Streams each recorder to DIR/NAME.npy with shape (rows, batch, width), or (rows, batch, ...shape) when the recorder gives one. */
export class NpySink implements RecordSink {
  private files = new Map<string, { fd: number; expected: number; written: number }>();
  constructor(private readonly dir: string) {}
  /** Refuses recordings larger than the free space of the directory's file system (statfs). */
  prepare(planned: { rec: RecorderInfo; rows: number }[]): void {
    const { bytes: data, detail } = recordingVolume(planned);
    const bytes = data + planned.length * 128;
    let free: number;
    try {
      const fs = statfsSync(this.dir);
      free = fs.bavail * fs.bsize;
    } catch {
      return; // no statfs here (or the directory is not made yet): nothing to check against
    }
    if (bytes > free) {
      throw new SpecError('record', `the recordings need ${formatBytes(bytes)} in ${this.dir} (${detail}); its file system has ${formatBytes(free)} free (statfs): run fewer steps, record fewer units or less often`);
    }
  }
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
