/**
 * `lamina inspect SPEC | SCENARIO`: the dry run of engine/run/inspect.ts for what `lamina run` would run
 * with the same options (the scenario's network, or the spec file with --dt and --batch applied), plus
 * the free space of --out against the recordings, printed as text or JSON. Nothing is allocated on the GPU
 * beyond the calibration's three small buffers.
 */
import { SpecError } from '../engine/errors.ts';
import { formatBytes } from '../engine/util/bytes.ts';
import { freeSpace, STREAM_HEADER } from '../engine/node/npy-files.ts';
import { inspect, type Inspection } from '../engine/run/inspect.ts';
import { defaultOut, resolveJob, type RunRequest } from './run.ts';

export interface InspectRequest extends Omit<RunRequest, 'out'> {
  out?: string;
  /** Skip the adapter calibration (no wall-time estimate). */
  noCalibration?: boolean;
}

export type InspectReport = Inspection & { target: string; out: string; disk?: { path: string; free: number } };

/** The network `lamina run` would build for this request (resolved exactly as run resolves it), its steps and batch. */
function planned(req: InspectRequest): { spec: unknown; steps: number; batch?: number; inMemory: boolean } {
  const job = resolveJob({ ...req, out: req.out ?? '' });
  if (job.kind === 'protocol') throw new SpecError('target', `"${job.scenario.name}" drives several simulations itself (a protocol scenario); inspect a spec file or another scenario`);
  if (job.kind === 'spiking') return { spec: job.run.spec, steps: job.run.steps, batch: job.run.batch, inMemory: false };
  return { spec: job.run.spec, steps: job.run.steps, batch: job.scenario ? undefined : req.batch, inMemory: job.scenario !== undefined };
}

export async function inspectTarget(req: InspectRequest): Promise<InspectReport> {
  const { spec, steps, batch, inMemory } = planned(req);
  const out = req.out ?? defaultOut(req.target);
  const report = await inspect(spec, { steps, batch, backend: req.backend, adapter: req.adapter, calibrate: !req.noCalibration, fused: req.fused });
  const disk = freeSpace(out);
  const bytes = report.recording.bytes + report.recording.recorders.length * STREAM_HEADER;
  if (disk && bytes > disk.free) report.refusals.push({ field: 'record', message: `the recordings need ${formatBytes(bytes)} in ${out}; its file system has ${formatBytes(disk.free)} free (statfs)` });
  const host = report.host.memory;
  if (inMemory && host && report.recording.bytes > host.available) report.refusals.push({ field: 'record', message: `the scenario keeps its recordings in memory for its analysis: ${formatBytes(report.recording.bytes)}, ${formatBytes(host.available)} available` });
  return { ...report, target: typeof req.target === 'string' ? req.target : '(spec object)', out, disk };
}

/** Items that differ only in their row range (the parts of one split array) as one line: count, total, largest. */
function grouped<T extends { label: string }>(items: T[], bytes: (x: T) => number): { label: string; item: T; total: number; largest: number; parts: number }[] {
  const out = new Map<string, { label: string; item: T; total: number; largest: number; parts: number }>();
  for (const x of items) {
    const key = x.label.replace(/rows \d+\.\.\d+/, 'rows ...');
    const g = out.get(key);
    if (!g) out.set(key, { label: x.label, item: x, total: bytes(x), largest: bytes(x), parts: 1 });
    else Object.assign(g, { label: key, total: g.total + bytes(x), largest: Math.max(g.largest, bytes(x)), parts: g.parts + 1 });
  }
  return [...out.values()];
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const count = (n: number) => n.toLocaleString('en-US');

export function formatInspection(r: InspectReport): string {
  const L: string[] = [];
  const limit = r.adapter.maxStorageBufferBindingSize;
  L.push(`lamina inspect ${r.target}: ${r.kind} network, ${count(r.steps)} steps, batch ${r.batch}, ${r.chunkSteps} steps per submission`);
  L.push(`adapter: ${r.adapter.description}${r.adapter.software ? ' (a CPU adapter: its buffers are host memory)' : ''}`);
  L.push('', `neurons: ${count(r.neurons)} (populations x batch ${r.batch})`);
  for (const p of r.populations) L.push(`  ${pad(p.name, 24)} ${count(p.size)}`);
  L.push(`synapses: ${r.projections.some((p) => p.estimate) ? '~' : ''}${count(r.synapses)}`);
  for (const p of r.projections) L.push(`  ${pad(p.name, 24)} ${p.estimate ? '~' : ''}${count(p.synapses)}  ${p.stored}`);
  L.push('', `GPU buffers: ${formatBytes(r.gpu.resident)} held while running; limits: ${formatBytes(limit)} per storage binding, ${formatBytes(r.adapter.maxBufferSize)} per buffer`);
  for (const { label, item: b, total, largest, parts } of grouped(r.gpu.buffers, (b) => b.bytes)) {
    const share = b.usage === 'storage' ? `${((100 * largest) / limit).toFixed(1)}% of a binding` : b.usage === 'staging' ? 'staging, one per chunk in flight' : b.usage;
    L.push(`  ${pad(label, 64)} ${pad((b.estimate ? '~' : '') + formatBytes(total), 11)} ${parts > 1 ? `${parts} buffers, the largest ` : ''}${share}${b.transient ? ', while building' : ''}`);
  }
  const mem = r.host.memory;
  L.push('', `host memory: about ${formatBytes(r.host.peak)} at the peak of the build${r.adapter.software ? ' (GPU buffers included)' : ''}; ${mem ? `${formatBytes(mem.available)} available (${mem.source}, of ${formatBytes(mem.total)})` : 'no limit known'}`);
  // Dawn's upload staging is listed per structure (a refusal names the largest); one line here.
  const staging = r.host.needs.filter((h) => h.label.startsWith('upload staging'));
  const needs = [...r.host.needs.filter((h) => !staging.includes(h)), { field: '', label: 'upload staging (Dawn copies each initial upload until it is submitted)', bytes: staging.reduce((a, h) => a + h.bytes, 0), transient: true }];
  for (const h of needs) L.push(`  ${pad(h.label, 96)} ${h.estimate ? '~' : ''}${formatBytes(h.bytes)}${h.heap ? ' (JavaScript heap)' : ''}${h.transient ? ', while building' : ''}`);
  if (r.host.heap && mem) L.push(`  JavaScript heap: ${formatBytes(r.host.heap)} of ${formatBytes(mem.heapAvailable)} the heap may still grow by`);
  L.push('', `dispatches per step: ${r.dispatchesPerStep.toFixed(2)}; per chunk of ${count(r.chunkSteps)} steps: ${count(r.dispatchesPerChunk)}`);
  for (const { label, item: d, parts } of grouped(r.dispatches, () => 0)) L.push(`  ${pad(label, 90)} ${parts > 1 ? `${parts} dispatches ` : ''}${d.perStep === 1 ? 'every step' : `1 in ${Math.round(1 / d.perStep)} steps`}`);
  L.push('', `recording for ${count(r.steps)} steps: ${formatBytes(r.recording.bytes)}${r.disk ? ` into ${r.out} (${formatBytes(r.disk.free)} free)` : ''}`);
  for (const x of r.recording.recorders) L.push(`  ${pad(x.name, 24)} ${count(x.rows)} rows, ${formatBytes(x.bytes)}`);
  const s = r.recording.spikes;
  if (s.recorders.length) L.push(`  spikes (${s.recorders.join(', ')}): 12 bytes a spike, ~${formatBytes(s.bytes)} at ${s.assumedRateHz} Hz`);
  if (r.time) L.push('', `estimated wall time: ${r.time.seconds < 120 ? `${r.time.seconds.toPrecision(3)} s` : `${(r.time.seconds / 3600).toPrecision(3)} h`} (${(r.time.perStepSeconds * 1e6).toPrecision(3)} us per step)`, `  based on: ${r.time.basis}`);
  for (const n of r.notes) L.push(`note: ${n}`);
  L.push('');
  if (r.refusals.length === 0) L.push('fits: lamina run would build and run it');
  for (const x of r.refusals) L.push(`would be refused (lamina run exits 2): ${x.field}: ${x.message}`);
  return L.join('\n');
}
