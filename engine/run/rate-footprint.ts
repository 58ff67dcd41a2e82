/**
 * The footprint of a rate network (engine/run/footprint.ts), from its validated spec alone: the sizes
 * compile() (engine/plan/rate.ts) and RateSimulation.create() will give every array and buffer, worked
 * out without materializing a weight or a state. The dense row blocks and the GEMM's split are decided
 * here for both: rate-kernels.ts builds its buffers from denseParts() and gemmSplit().
 */
import { SpecError } from '../errors.ts';
import { STEP_STRIDE } from '../gpu/layouts.ts';
import { MOD_WORDS } from '../plan/rate.ts';
import { planUnit } from '../plan/rate-units.ts';
import { rateRuleTable } from '../spec/rate-rules.ts';
import type { NetworkSpec } from '../spec/rate.ts';
import { padded, type BufferNeed, type Footprint, type HostNeed } from './footprint.ts';

/** Largest batch handled by the matrix-vector kernel; larger batches use a GEMM (gemmShape). */
export const MATVEC_MAX_BATCH = 8;

/** The GEMM's shape choices (a part of KernelTuning; defaults from the H100 sweep in bench/RESULTS.md). */
export interface GemmTuning {
  gemmTargetWorkgroups?: number;
  gemmMinKSlice?: number;
  gemmMaxSplit?: number;
  /** Presynaptic columns per workgroup tile: 16 or 32 for the tiled kernel, 8, 16 or 32 for the register-tiled one. */
  gemmTileK?: 8 | 16 | 32;
  /** 'register' (synapse-dense-gemm, the default) or 'tiled' (synapse-dense-tiled, the kernel before it). */
  gemmKernel?: 'tiled' | 'register';
  /** Register tile of synapse-dense-gemm, rows x instances per invocation. */
  gemmThreadTile?: '4x4' | '4x8' | '8x4' | '8x8';
  /** Invocations per workgroup of synapse-dense-gemm (64, 128 or 256). */
  gemmThreads?: number;
}

/**
 * Row blocks of a dense post x pre matrix: rows padded to pre4 vec4s, as many rows per block as one
 * storage binding of `limit` bytes holds (a row larger than that cannot be bound at all: partRows 0).
 */
export function denseParts(post: number, pre: number, limit: number): { pre4: number; rowBytes: number; partRows: number; parts: { row0: number; rows: number }[] } {
  const pre4 = Math.ceil(pre / 4);
  const rowBytes = pre4 * 16;
  const partRows = Math.min(post, Math.floor(limit / rowBytes));
  const parts = [];
  for (let row0 = 0; partRows > 0 && row0 < post; row0 += partRows) parts.push({ row0, rows: Math.min(partRows, post - row0) });
  return { pre4, rowBytes, partRows, parts };
}

/** The GEMM's split of the presynaptic range (split-K) so that enough workgroups of rows x instances fill the GPU. */
export function gemmSplit(post: number, pre4: number, batch: number, tuning: GemmTuning = {}, rows = 128, instances = 64, tileK: number = tuning.gemmTileK ?? 16): { kSlice: number; splitCount: number; tileK: number; partialsBytes: number } {
  const tiles = Math.ceil(post / rows) * Math.ceil(batch / instances);
  const t = { gemmTargetWorkgroups: 1024, gemmMinKSlice: 64, gemmMaxSplit: 16, ...tuning };
  const split = Math.max(1, Math.min(Math.ceil(t.gemmTargetWorkgroups / tiles), Math.floor(pre4 * 4 / t.gemmMinKSlice), t.gemmMaxSplit));
  const kSlice = Math.ceil(pre4 * 4 / split / tileK) * tileK;
  const splitCount = Math.ceil(pre4 * 4 / kSlice);
  return { kSlice, splitCount, tileK, partialsBytes: splitCount > 1 ? splitCount * batch * post * 4 : 16 };
}

export interface GemmShape extends ReturnType<typeof gemmSplit> {
  kernel: 'synapse-dense-tiled' | 'synapse-dense-gemm';
  /** Rows x instances of one workgroup's output tile. */
  rows: number; instances: number;
  /** The kernel's shape constants (TILE_K, or TX TY RT IT TK), besides K_SLICE and SPLIT. */
  consts: Record<string, number>;
  workgroupBytes: number;
}

/**
 * The batched product's kernel and shape. Rule: the register-tiled GEMM (synapse-dense-gemm) with an
 * instance tile of 16, 32 or 64 (the smallest that holds the batch, else 64) and register tiles of 4 x 4,
 * 8 x 4 or 8 x 8 to match, 128 invocations (128-row tiles) and 8-column tiles: 12.8 KiB of workgroup memory
 * at most, within every WebGPU device's 16 KiB. The tiled kernel (128 x 64 tiles) only on request: on
 * lavapipe it was 1.5-2.7x slower at B = 12 and 16 and no faster at B = 64 (bench/RESULTS.md).
 */
export function gemmShape(post: number, pre4: number, batch: number, tuning: GemmTuning = {}): GemmShape {
  if (tuning.gemmKernel === 'tiled') {
    const tileK = tuning.gemmTileK ?? 16;
    if (tileK !== 16 && tileK !== 32) throw new SpecError('tuning.gemmTileK', `must be 16 or 32 for the tiled GEMM, got ${tileK}`);
    const split = gemmSplit(post, pre4, batch, tuning);
    return { kernel: 'synapse-dense-tiled', rows: 128, instances: 64, consts: { TILE_K: tileK }, workgroupBytes: (128 + 64) * (tileK / 4 + 1) * 16, ...split };
  }
  const instances = batch <= 16 ? 16 : batch <= 32 ? 32 : 64;
  const [rt, it] = (tuning.gemmThreadTile ?? (instances === 16 ? '4x4' : instances === 32 ? '8x4' : '8x8')).split('x').map(Number);
  const threads = tuning.gemmThreads ?? 128;
  const ty = instances / it, tx = threads / ty;
  if (!Number.isInteger(ty) || !Number.isInteger(tx) || ![64, 128, 256].includes(threads)) {
    throw new SpecError('tuning.gemmThreads', `${threads} invocations of ${rt} x ${it} outputs do not tile ${instances} instances`);
  }
  const tk = tuning.gemmTileK ?? 8;
  const rows = tx * rt;
  const split = gemmSplit(post, pre4, batch, tuning, rows, instances, tk);
  const workgroupBytes = 2 * tk * (rows / 4 + 1 + instances / 4 + 1) * 16;
  return { kernel: 'synapse-dense-gemm', rows, instances, consts: { TX: tx, TY: ty, RT: rt, IT: it, TK: tk }, workgroupBytes, ...split };
}

export interface RateFootprintOptions {
  batch?: number;
  chunkSteps?: number;
  maxInFlight?: number;
  /** Bytes one storage binding may hold (the adapter's limit, or a lower one set for testing). */
  bindingLimit: number;
  tuning?: GemmTuning;
}

interface Proj {
  name: string; field: string; pre: { name: string; size: number }; post: { name: string; size: number };
  nnz?: number; plastic?: { rule: string; state: number; params: number };
}

/** The footprint of a validated rate spec; batch and chunk size as RateSimulation.create takes them. */
export function rateFootprint(spec: NetworkSpec, opts: RateFootprintOptions): Footprint {
  const B = opts.batch ?? spec.batch?.size ?? 1;
  if (!Number.isInteger(B) || B < 1) throw new SpecError('batch', `must be an integer >= 1, got ${B}`);
  const chunkSteps = Math.max(1, Math.floor(opts.chunkSteps ?? 256));
  const params = spec.batch?.params ?? {};
  const rules = rateRuleTable(spec.rules);
  let instColumns = 0, unitTable = 0, inputData = 0, stateLength = 0;
  const arrayData = (t: unknown) => {
    const c = t as { type?: string; values?: (number | number[])[] } | undefined;
    if (c?.type === 'array') for (const v of c.values ?? []) inputData += Array.isArray(v) ? v.length : 1;
  };
  // The tables compile() fills: the units' values (planUnit itself, which holds only what the spec gives
  // per unit), input profiles, instance columns (gains, amplitudes, swept values), array time courses.
  const pops = spec.populations.map((p, k) => {
    const unit = planUnit(spec, k, B, () => instColumns++);
    unitTable += unit.columns.reduce((a, c) => a + c.length, 0);
    stateLength += B * p.size;
    return { name: p.name, size: p.size, incoming: [] as Proj[] };
  });
  const byName = new Map(pops.map((p) => [p.name, p]));
  for (const inp of spec.inputs ?? []) {
    if (inp.profile) unitTable += byName.get(inp.target)!.size;
    instColumns++;
    arrayData(inp.time);
  }
  const mods = spec.modulators ?? [];
  for (const m of mods) {
    if (m.type === 'schedule') { instColumns += 2; arrayData(m.time); }
    if (m.type === 'activity') unitTable += byName.get(m.population)!.size;
  }
  const projections: Proj[] = [];
  (spec.projections ?? []).forEach((pr, i) => {
    const pre = byName.get(pr.from)!, post = byName.get(pr.to)!;
    const field = `projections[${i}].weights`;
    let plastic: Proj['plastic'];
    if (pr.plasticity) {
      const rule = rules.get(pr.plasticity.rule, `projections[${i}].plasticity.rule`);
      const synapses = rule.eligibility ? B * post.size * pre.size : 0;
      plastic = { rule: pr.plasticity.rule, state: Math.max(synapses + rule.post.length * 2 * B * post.size, 4), params: Math.max(B * (rule.paramNames.length + rule.derivedNames.length), 1) };
    }
    const w = pr.weights;
    const nnz = w.type === 'csr' ? w.colIdx.length : w.type === 'fixed-indegree' ? w.k * post.size : undefined;
    const add = (name: string) => { const p = { name, field, pre, post, nnz, plastic }; projections.push(p); post.incoming.push(p); instColumns++; };
    add(pr.name);
    if (w.type === 'ring' && params[`projections.${pr.name}.gamma`]) add(`${pr.name}:antisymmetric`);
  });

  const gpu: BufferNeed[] = [], host: HostNeed[] = [];
  const uploads = new Map<string, number>();
  const buf = (field: string, label: string, bytes: number, usage: BufferNeed['usage'] = 'storage', uploaded = true) => {
    gpu.push({ field, label, bytes: padded(bytes), usage });
    if (uploaded) uploads.set(field, (uploads.get(field) ?? 0) + bytes);
  };
  const dispatches: Footprint['dispatches'] = [];
  let traffic = 0, work = 0, gemmWork = 0;
  const stateBytes = stateLength * 4;
  const popsField = `populations (state of every population x batch ${B})`;
  buf(popsField, 'rates[0]', stateBytes); buf(popsField, 'rates[1]', stateBytes); buf(popsField, 'state', stateBytes); buf(popsField, 'syn', stateBytes, 'storage', false);
  buf('populations', 'unit_table', Math.max(unitTable, 1) * 4);
  buf('batch', 'inst_table', B * Math.max(instColumns, 1) * 4);
  buf('batch', 'seeds', B * 4);
  buf('inputs', 'input_data', Math.max(inputData, 1) * 4);
  buf('chunkSteps', 'step_info', chunkSteps * STEP_STRIDE, 'uniform', false);
  const modK = Math.max(mods.length, 1);
  buf('modulators', 'modulators', 2 * B * modK * 4);
  buf('populations', 'fault', 16, 'storage', false); // the numerical fault words (engine/codegen/faults.ts)
  if (mods.some((m) => m.type !== 'host')) {
    buf('modulators', 'modulators:mod_params', Math.max(mods.length, 1) * MOD_WORDS * 4);
    dispatches.push({ label: 'modulators', perStep: 1 });
  }
  for (const pop of pops) {
    traffic += 5 * B * pop.size * 4;
    work += B * pop.size;
    if (pop.incoming.length === 0) dispatches.push({ label: `rate-update population "${pop.name}"`, perStep: 1 });
    for (const p of pop.incoming) {
      const label = `projection "${p.name}" (${p.pre.name} -> ${p.post.name})`;
      const matrix = p.post.size * p.pre.size;
      if (p.plastic) {
        const plastic = `plastic projection "${p.name}"`;
        buf(p.field, `${plastic}:weights`, B * matrix * 4);
        buf(p.field, `${plastic}:eligibility`, p.plastic.state * 4);
        host.push({ field: p.field, label: `initial weights of every instance (${plastic})`, bytes: B * matrix * 4, elements: B * matrix, transient: true });
        host.push({ field: p.field, label: `eligibility and post variables (${plastic})`, bytes: p.plastic.state * 4, elements: p.plastic.state });
        dispatches.push({ label: `synapse-dense-plastic ${label}`, perStep: 1 });
        traffic += B * matrix * 4;
        work += B * matrix;
      } else if (p.nnz !== undefined) {
        for (const [part, bytes] of [['rowPtr', (p.post.size + 1) * 4], ['colIdx', p.nnz * 4], ['values', p.nnz * 4]] as const) buf(p.field, `${label}:${part}`, bytes);
        host.push({ field: p.field, label: `sparse weights of ${label}`, bytes: (p.post.size + 1 + 2 * p.nnz) * 4, elements: p.nnz });
        dispatches.push({ label: `synapse-csr ${label}`, perStep: 1 });
        traffic += p.nnz * (8 + 4 * B);
        work += B * p.nnz;
      } else {
        const { pre4, rowBytes, parts } = denseParts(p.post.size, p.pre.size, opts.bindingLimit);
        if (parts.length === 0) buf(p.field, `${label}: one row of weights`, rowBytes);
        for (const part of parts) buf(p.field, `${label}:weights[rows ${part.row0}..${part.row0 + part.rows - 1}]`, part.rows * rowBytes);
        host.push({ field: p.field, label: `dense weights of ${label}, ${p.post.size} x ${p.pre.size} float32`, bytes: matrix * 4, elements: matrix });
        host.push({ field: p.field, label: `padded row blocks of ${label} (upload copies)`, bytes: p.post.size * rowBytes, transient: true });
        const shape = B > MATVEC_MAX_BATCH ? gemmShape(p.post.size, pre4, B, opts.tuning) : undefined;
        const kernel = shape?.kernel ?? 'synapse-dense';
        for (const part of parts) dispatches.push({ label: `${kernel} ${label}${parts.length > 1 ? ` rows ${part.row0}..${part.row0 + part.rows - 1}` : ''}`, perStep: 1 });
        traffic += p.post.size * rowBytes * (shape ? Math.ceil(B / shape.instances) : 1);
        if (!shape) work += B * matrix;
        else gemmWork += Math.ceil(B / shape.instances) * shape.instances * p.post.size * pre4 * 4;
        if (shape) {
          buf(`${p.field} (split-K partial sums)`, `${label}:partials`, shape.partialsBytes, 'storage', false);
          if (shape.splitCount > 1) { dispatches.push({ label: `synapse-reduce ${label}`, perStep: 1 }); traffic += 2 * shape.partialsBytes; }
        }
      }
    }
  }
  for (const p of projections.filter((q) => q.plastic)) {
    buf(p.field, `plasticity "${p.name}" (${p.plastic!.rule}):rule_params`, p.plastic!.params * 4);
    dispatches.push({ label: `plasticity "${p.name}" (${p.plastic!.rule})`, perStep: 1 });
    traffic += 2 * B * p.post.size * p.pre.size * 4 + 2 * p.plastic!.state * 4;
    work += B * p.post.size * p.pre.size;
  }
  const recorders: Footprint['recorders'] = [];
  let stagingPerChunk = 0;
  (spec.record ?? []).forEach((r, i) => {
    const every = r.every ?? 1;
    const field = `record[${i}]`;
    let width: number, units = 0;
    if ('projection' in r) {
      const p = projections.find((q) => q.name === r.projection)!;
      width = p.post.size * p.pre.size;
    } else if ('modulator' in r) width = 1;
    else {
      units = r.units?.length ?? byName.get(r.population)!.size;
      width = r.reduce === 'mean' ? 1 : units;
    }
    const capacity = Math.ceil(chunkSteps / every) + 1;
    const rowBytes = B * width * 4;
    buf(field, `recorder "${r.name}":ring`, capacity * rowBytes, 'storage', false);
    if (units) buf(field, `recorder "${r.name}":units`, units * 4);
    stagingPerChunk += Math.ceil(chunkSteps / every) * rowBytes;
    recorders.push({ name: r.name, what: 'projection' in r ? 'weights' : 'modulator' in r ? 'modulator' : (r.what ?? 'rate'), bytesPerRow: rowBytes, every });
    const kernel = 'projection' in r ? 'record-weights' : 'modulator' in r ? 'record-modulator' : r.reduce === 'mean' ? 'record-mean' : 'record-gather';
    dispatches.push({ label: `${kernel} recorder "${r.name}"`, perStep: 1 / every });
    traffic += (2 * rowBytes) / every;
    work += rowBytes / 4 / every;
  });
  const inFlight = opts.maxInFlight ?? 3;
  if (stagingPerChunk > 0) {
    gpu.push({ field: 'record', label: `readback staging of one chunk's recordings (${chunkSteps} steps)`, bytes: stagingPerChunk, usage: 'staging' });
    host.push({ field: 'record', label: `recordings of ${inFlight} chunks in flight while running`, bytes: inFlight * stagingPerChunk });
  }
  host.push(
    { field: popsField, label: `initial state and rates of every unit (host copies for upload)`, bytes: 2 * stateBytes, elements: stateLength, transient: true },
    { field: 'populations', label: 'initial states and unit tables (the plan)', bytes: pops.reduce((a, p) => a + p.size, 0) * 4 + unitTable * 12, elements: unitTable },
  );
  // Dawn copies each initial upload into staging memory until it is submitted.
  for (const [field, bytes] of uploads) host.push({ field, label: `upload staging (${field})`, bytes, transient: true });
  return {
    kind: 'rate', batch: B, chunkSteps,
    populations: pops.map((p) => ({ name: p.name, size: p.size })),
    projections: projections.map((p) => ({ name: p.name, synapses: p.nnz ?? p.post.size * p.pre.size, stored: p.plastic ? `dense, plastic (${p.plastic.rule}), per instance` : p.nnz !== undefined ? 'sparse (CSR)' : 'dense' })),
    gpu, host, dispatches, trafficPerStep: traffic, workPerStep: work, gemmWorkPerStep: gemmWork, recorders, spikeRecorders: [],
    notes: ['rate networks: every size is exact (from the spec)'],
  };
}
