/**
 * The HDF5 side of the NWB export (h5wasm): typed NWB/HDMF objects (groups and datasets carrying
 * `namespace`, `neurodata_type` and `object_id`), DynamicTables, TimeSeries, and the namespace cache
 * under /specifications exactly as pynwb lays it out (one scalar JSON string per schema source, the root
 * attribute `.specloc` referencing the group). Arrays are written in slices so that the WebAssembly heap
 * holds at most SLICE_BYTES of one array at a time; those larger than that are chunked.
 */
import { randomUUID } from 'node:crypto';
import type { Dataset, File as H5File, Group } from 'h5wasm';
import SPECIFICATIONS from './nwb-schema/specifications.json';

type H5 = typeof import('h5wasm');
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | BigUint64Array;

/** The NWB version and the namespaces cached in every file (engine/node/nwb-schema: see its README). */
export const NWB_VERSION = SPECIFICATIONS.core.version;
const SLICE_BYTES = 32 << 20;
const CHUNK_BYTES = 1 << 20;

let module: Promise<H5> | undefined;

/** h5wasm, loaded on first use (its WebAssembly build is large and most runs never export). */
export function h5wasm(): Promise<H5> {
  module ??= import('h5wasm/node').then(async (m) => {
    const h5 = m as unknown as H5 & { ready: Promise<unknown> };
    await h5.ready;
    return h5;
  });
  return module;
}

/** Attribute values: text, text arrays, float64 numbers, and object references by path. */
export type Attrs = Record<string, string | number | string[] | { ref: string }>;

/** An HDF5 file being written as NWB: paths are absolute ('/units/spike_times'). */
export class NwbH5 {
  constructor(readonly file: H5File) {}

  static async create(path: string): Promise<NwbH5> {
    const h5 = await h5wasm();
    return new NwbH5(new h5.File(path, 'w'));
  }

  private group(path: string): Group {
    return (path === '/' ? this.file : this.file.get(path)) as Group;
  }

  attrs(path: string, attrs: Attrs): void {
    const target = this.file.get(path) as Group | Dataset;
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'string' || Array.isArray(v)) target.create_attribute(k, v);
      else if (typeof v === 'number') target.create_attribute(k, v, null, '<d');
      else target.create_attribute(k, (this.file.get(v.ref) as Group | Dataset).create_reference());
    }
  }

  /** A group; with `type` = [namespace, neurodata_type] it is a typed NWB object (object_id added). */
  mkgroup(path: string, type?: [string, string], attrs: Attrs = {}): void {
    const i = path.lastIndexOf('/');
    this.group(path.slice(0, i) || '/').create_group(path.slice(i + 1));
    this.attrs(path, { ...(type ? typed(type) : {}), ...attrs });
  }

  /** A scalar or 1-D text dataset. */
  text(path: string, value: string | string[], type?: [string, string], attrs: Attrs = {}): void {
    const i = path.lastIndexOf('/');
    this.group(path.slice(0, i) || '/').create_dataset({ name: path.slice(i + 1), data: value });
    this.attrs(path, { ...(type ? typed(type) : {}), ...attrs });
  }

  /** A numeric dataset of the given shape ([] for a scalar), written in row slices. */
  array(path: string, data: NumericArray, shape: number[], type?: [string, string], attrs: Attrs = {}): void {
    const i = path.lastIndexOf('/');
    const parent = this.group(path.slice(0, i) || '/'), name = path.slice(i + 1);
    const rowLength = shape.slice(1).reduce((a, b) => a * b, 1);
    const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / Math.max(1, rowLength * data.BYTES_PER_ELEMENT)));
    if (shape.length === 0 || shape[0] <= rowsPerSlice) {
      parent.create_dataset({ name, data, shape });
    } else {
      // Large arrays: chunks of about CHUNK_BYTES (what a reader loads to reach one value). Not deflated:
      // on 40 MB of synthetic float32 samples gzip saved 9 % and wrote 4x slower.
      const chunkRows = Math.min(rowsPerSlice, Math.max(1, Math.floor(CHUNK_BYTES / (rowLength * data.BYTES_PER_ELEMENT))));
      const first = data.subarray(0, rowsPerSlice * rowLength);
      const ds = parent.create_dataset({
        name, data: first, shape: [rowsPerSlice, ...shape.slice(1)], maxshape: [null, ...shape.slice(1)],
        chunks: [chunkRows, ...shape.slice(1)],
      });
      ds.resize(shape);
      for (let r = rowsPerSlice; r < shape[0]; r += rowsPerSlice) {
        const end = Math.min(shape[0], r + rowsPerSlice);
        ds.write_slice([[r, end]], data.subarray(r * rowLength, end * rowLength));
      }
    }
    this.attrs(path, { ...(type ? typed(type) : {}), ...attrs });
  }

  /** /specifications/NS/VERSION/SOURCE: each schema source as one JSON string, as pynwb caches them. */
  cacheSpecifications(): void {
    this.mkgroup('/specifications');
    for (const [ns, { version, files }] of Object.entries(SPECIFICATIONS)) {
      this.mkgroup(`/specifications/${ns}`);
      this.mkgroup(`/specifications/${ns}/${version}`);
      for (const [source, spec] of Object.entries(files)) this.text(`/specifications/${ns}/${version}/${source}`, JSON.stringify(spec));
    }
    this.attrs('/', { '.specloc': { ref: '/specifications' } });
  }

  close(): void {
    this.file.close();
  }
}

export function typed([namespace, type]: [string, string]): Attrs {
  return { namespace, neurodata_type: type, object_id: randomUUID() };
}

export const CORE = (type: string): [string, string] => ['core', type];
export const COMMON = (type: string): [string, string] => ['hdmf-common', type];

export interface Column {
  name: string;
  description: string;
  /** Text values, or numbers with their shape (rows first). */
  data: string[] | { values: NumericArray; shape: number[] };
  /** A ragged column: index[i] is the end (exclusive) of row i's values. */
  index?: Uint32Array | BigUint64Array;
  attrs?: Attrs;
}

/** A DynamicTable (or a subtype: Units) at `path` with ids 0..rows-1. */
export function dynamicTable(w: NwbH5, path: string, type: [string, string], description: string, rows: number, columns: Column[]): void {
  w.mkgroup(path, type, { description, colnames: columns.map((c) => c.name) });
  w.array(`${path}/id`, Int32Array.from({ length: rows }, (_, i) => i), [rows], COMMON('ElementIdentifiers'));
  for (const c of columns) {
    const attrs = { description: c.description, ...c.attrs };
    if (Array.isArray(c.data)) w.text(`${path}/${c.name}`, c.data, COMMON('VectorData'), attrs);
    else w.array(`${path}/${c.name}`, c.data.values, c.data.shape, COMMON('VectorData'), attrs);
    if (c.index) {
      w.array(`${path}/${c.name}_index`, c.index, [c.index.length], COMMON('VectorIndex'), {
        description: `Index into ${c.name}: row i holds ${c.name}[index[i-1]:index[i]]`, target: { ref: `${path}/${c.name}` },
      });
    }
  }
}

export interface Series {
  description: string;
  comments: string;
  unit: string;
  conversion: number;
  data: NumericArray;
  shape: number[];
  /** Time of the first row [s] and rows per second. */
  start: number;
  rate: number;
  continuity?: 'continuous' | 'instantaneous' | 'step';
}

/** A TimeSeries with regular sampling (starting_time + rate). */
export function timeSeries(w: NwbH5, path: string, s: Series): void {
  w.mkgroup(path, CORE('TimeSeries'), { description: s.description, comments: s.comments });
  w.array(`${path}/data`, s.data, s.shape, undefined, {
    unit: s.unit, conversion: s.conversion, offset: 0, resolution: -1, ...(s.continuity ? { continuity: s.continuity } : {}),
  });
  w.array(`${path}/starting_time`, Float64Array.of(s.start), [], undefined, { rate: s.rate, unit: 'seconds' });
}
