/**
 * .npy files on disk (Node): whole arrays, recorder rows streamed as they arrive (host memory stays
 * bounded) and int32 tables of unknown length, every header kept equal to the rows on disk.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { SpecError } from '../errors.ts';
import { formatBytes } from '../util/bytes.ts';
import { dirname, join, resolve } from 'node:path';
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

/** Bytes of the fixed header of a streamed .npy file, rewritten in place as rows land. */
export const STREAM_HEADER = 128;

/** Free bytes of the file system that holds (or would hold) `path`: statfs of its nearest existing ancestor. */
export function freeSpace(path: string): { path: string; free: number } | undefined {
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      const fs = statfsSync(at);
      return { path: at, free: fs.bavail * fs.bsize };
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/**
 * A .npy file of rows that grows as they land. Its header always states the rows on disk: each append
 * writes the rows, then rewrites the (fixed-size) header with the new count, so a run killed at any point
 * leaves a file numpy loads with every row written so far. Opening with `rows` continues an existing file
 * after its first `rows` rows (anything after them is cut), as a resumed run does.
 */
export class GrowingNpy {
  private fd: number;
  private rowBytes: number;
  constructor(readonly path: string, private readonly dtype: '<f4' | '<i4', private readonly rowShape: number[], public rows = 0, resume = false) {
    this.rowBytes = 4 * rowShape.reduce((a, b) => a * b, 1);
    if (resume) {
      this.fd = openSync(path, 'r+');
      const size = fstatSync(this.fd).size;
      const want = STREAM_HEADER + rows * this.rowBytes;
      if (size < want) { closeSync(this.fd); throw new Error(`${path}: holds ${Math.floor((size - STREAM_HEADER) / this.rowBytes)} rows, the checkpoint needs ${rows}`); }
      ftruncateSync(this.fd, want);
    } else {
      this.fd = openSync(path, 'w');
    }
    this.writeHeader();
  }
  append(bytes: Uint8Array): void {
    if (bytes.byteLength % this.rowBytes) throw new Error(`${this.path}: ${bytes.byteLength} bytes are not whole rows of ${this.rowBytes}`);
    this.guard(() => writeAll(this.fd, bytes, STREAM_HEADER + this.rows * this.rowBytes));
    this.rows += bytes.byteLength / this.rowBytes;
    this.writeHeader();
  }
  close(): void {
    closeSync(this.fd);
  }
  private writeHeader(): void {
    this.guard(() => writeAll(this.fd, npyHeader(this.dtype, [this.rows, ...this.rowShape], STREAM_HEADER), 0));
  }
  /** A failed write (a full disk) names the file: writeSync's own error does not. */
  private guard(write: () => void): void {
    try {
      write();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.path === undefined) err.path = this.path;
      throw err;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let at = 0; at < bytes.byteLength;) at += writeSync(fd, bytes, at, bytes.byteLength - at, position + at);
}

/**
 * Streams each recorder to DIR/NAME.npy with shape (rows, batch, width), or (rows, batch, ...shape) when the
 * recorder gives one. Rows of later runs of the same simulation are appended to the same file; `resumeRows`
 * continues files of an earlier, checkpointed run after that many rows.
 */
export class NpySink implements RecordSink {
  private files = new Map<string, GrowingNpy>();
  private rows = new Map<string, number>();
  constructor(private readonly dir: string, resumeRows: Record<string, number> = {}) {
    for (const [name, n] of Object.entries(resumeRows)) this.rows.set(name, n);
  }
  /** Refuses recordings larger than the free space of the directory's file system (statfs). */
  prepare(planned: { rec: RecorderInfo; rows: number }[]): void {
    const { bytes: data, detail } = recordingVolume(planned);
    const bytes = data + planned.length * STREAM_HEADER;
    const free = freeSpace(this.dir)?.free;
    if (free === undefined) return; // no statfs here: nothing to check against
    if (bytes > free) {
      throw new SpecError('record', `the recordings need ${formatBytes(bytes)} in ${this.dir} (${detail}); its file system has ${formatBytes(free)} free (statfs): run fewer steps, record fewer units or less often`);
    }
  }
  begin(rec: RecorderInfo): void {
    const known = this.rows.get(rec.name);
    this.files.set(rec.name, new GrowingNpy(join(this.dir, `${rec.name}.npy`), '<f4', [rec.batch, ...(rec.shape ?? [rec.width])], known ?? 0, known !== undefined));
  }
  write(rec: RecorderInfo, rows: Float32Array, count: number): void {
    this.files.get(rec.name)!.append(new Uint8Array(rows.buffer, rows.byteOffset, count * rec.batch * rec.width * 4));
  }
  end(rec: RecorderInfo): void {
    const f = this.files.get(rec.name)!;
    f.close();
    this.rows.set(rec.name, f.rows);
    this.files.delete(rec.name);
  }
  /** Rows written so far per recorder (what a checkpoint stores). */
  written(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.rows);
    for (const [name, f] of this.files) out[name] = f.rows;
    return out;
  }
}

/**
 * An int32 table of unknown length streamed to a .npy file (e.g. spikes: step, instance, neuron), its
 * header kept equal to the rows on disk after every append.
 */
export class NpyRowsWriter {
  private file: GrowingNpy;
  constructor(path: string, readonly width: number, resumeRows?: number) {
    this.file = new GrowingNpy(path, '<i4', [width], resumeRows ?? 0, resumeRows !== undefined);
  }
  get rows(): number {
    return this.file.rows;
  }
  append(data: Int32Array): void {
    if (data.length % this.width) throw new Error(`${this.file.path}: ${data.length} values are not whole rows of ${this.width}`);
    this.file.append(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  close(): number {
    this.file.close();
    return this.file.rows;
  }
}
