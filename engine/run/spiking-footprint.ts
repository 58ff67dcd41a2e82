/**
 * The footprint of a spiking network (engine/run/footprint.ts), from its raw spec before compileSpiking
 * materializes anything: population tables, the input rings (slots from the largest delay), stored
 * synapses (host-built or generated on the GPU) and their build, plastic projections, given spike
 * trains and recorders, with the labels and sizes SpikingSimulation.create gives its buffers.
 * Exact where the spec fixes the numbers; fixed-probability counts are expected values, drawn delays
 * and the split of many synapses into parts are estimates (flagged). A malformed spec gives undefined:
 * compileSpiking then reports what is wrong.
 */
import { faultWordCount } from '../codegen/faults.ts';
import { PROJ_WORDS } from '../codegen/spiking.ts';
import { STEP_STRIDE } from '../gpu/layouts.ts';
import { ruleTable } from '../plan/rules.ts';
import { packGroups, plasticWords } from '../plan/plastic-groups.ts';
import { chooseSpikingPath, fusedBlockers, type FusedMode } from '../plan/spiking-path.ts';
import { model } from '../plan/spiking-models.ts';
import { GEN_WORDS } from '../reference/synapse-build.ts';
import type { SpikingSpec } from '../spec/spiking.ts';
import { hostFileSize } from '../util/host.ts';
import { padded, type BufferNeed, type Footprint, type HostNeed } from './footprint.ts';

export interface SpikingFootprintOptions {
  batch?: number;
  chunkSteps?: number;
  maxInFlight?: number;
  bindingLimit: number;
  /** Mean firing rate the traffic estimate assumes [Hz] (default 10). */
  assumedRateHz?: number;
  /** The numerical fault check's words follow the spike counts (default true, as in the simulation). */
  detectFaults?: boolean;
  /** The fused-path option and the adapter class, which choose the path as the simulation does (default 'auto', a GPU). */
  fused?: FusedMode;
  software?: boolean;
  /** The adapter's maxComputeWorkgroupsPerDimension (the fused path runs one workgroup per instance); default 65535. */
  maxWorkgroups?: number;
}

/**
 * Host bytes per synapse built on the host (engine/plan/synapses.ts, compile-spiking.ts, synapse-build.ts):
 * typed arrays 8 (pairs) + 4 (sort order) + 4 + 8 + 4 (sorted post, float64 weight, delay) + 4 (fixed-point
 * weight) + 12 (merged rows) + 12 (upload copies; Dawn's staging of the upload is counted with the
 * buffers); and in the JavaScript heap, the two plain arrays of (pre, post) pairs at 8 bytes a value,
 * with 1.5x for their growth.
 */
const HOST_BYTES_PER_SYNAPSE = 56;
const HEAP_BYTES_PER_SYNAPSE = 24;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

/** Largest value of a weight or delay distribution (a normal: mean + 3 sd, an estimate) and whether it is exact. */
function maxOf(d: unknown, dflt: number): { max: number; exact: boolean } {
  if (typeof d === 'number') return { max: d, exact: true };
  if (isObj(d) && Array.isArray(d.uniform)) return { max: num(d.uniform[1], dflt), exact: true };
  if (isObj(d) && Array.isArray(d.normal)) return { max: num(d.normal[0], dflt) + 3 * Math.abs(num(d.normal[1], 0)), exact: false };
  return { max: dflt, exact: true };
}

interface Pop { name: string; size: number; states: number; params: number; ports: number; slots: number; index: number }

export function spikingFootprint(raw: unknown, opts: SpikingFootprintOptions): Footprint | undefined {
  chooseSpikingPath(opts.fused, 0, [], false); // a bad option is a SpecError, not a malformed spec
  try {
    return walk(raw as SpikingSpec & Obj, opts);
  } catch {
    return undefined;
  }
}

function walk(spec: SpikingSpec & Obj, opts: SpikingFootprintOptions): Footprint {
  const dt = num(spec.dt, NaN);
  if (!(dt > 0)) throw new Error('dt');
  const B = opts.batch ?? (isObj(spec.batch) ? num(spec.batch.size, 1) : 1);
  if (!Number.isInteger(B) || B < 1) throw new Error('batch');
  const chunkSteps = Math.max(1, Math.floor(opts.chunkSteps ?? 200));
  const rateHz = opts.assumedRateHz ?? 10;
  const notes: string[] = [];
  const pops: Pop[] = list(spec.populations).map((p, index) => {
    const o = p as Obj;
    const size = o.size as number;
    if (!Number.isInteger(size) || size < 1 || typeof o.model !== 'string') throw new Error('population');
    const m = model(spec, o.model, `populations[${index}].model`);
    return { name: String(o.name), size, index, states: m.stateNames.length, params: m.paramNames.length + m.derivedNames.length + 1, ports: m.ports.length, slots: 2 };
  });
  const byName = new Map(pops.map((p) => [p.name, p]));
  const neurons = pops.reduce((a, p) => a + B * p.size, 0);
  const rules = ruleTable(spec.rules);

  // Projections: synapse counts and delays (ring slots).
  const stored: { pre: Pop; synapses: number; name: string; estimate?: boolean }[] = [];
  const generated: { pre: Pop; synapses: number; name: string }[] = [];
  const procedural: { pre: Pop; synapses: number; name: string }[] = [];
  const plastic: { name: string; index: number; pre: Pop; post: Pop; synapses: number; threeFactor: boolean; traceWords: number; constants: number; estimate: boolean; traces: boolean; onPost: boolean; modulator: string }[] = [];
  const projections: Footprint['projections'] = [];
  const hostBuilt: { field: string; name: string; synapses: number; estimate: boolean }[] = [];
  const targets: { name: string; port: string; keyable: boolean; gain?: string }[] = [];
  let estimated = false;
  let storedParts = 0;
  list(spec.projections).forEach((pr, index) => {
    const o = pr as Obj, c = (isObj(o.connectivity) ? o.connectivity : {}) as Obj;
    const pre = byName.get(o.from as string), post = byName.get(o.to as string);
    if (!pre || !post) throw new Error('projection');
    const name = String(o.name);
    const autapses = pre === post && c.allowAutapses === false;
    let synapses: number, exact = true;
    if (c.type === 'fixed-probability') { synapses = Math.round(num(c.p, 0) * pre.size * (post.size - (autapses ? 1 : 0))); exact = num(c.p, 0) >= 1 || num(c.p, 0) <= 0; }
    else if (c.type === 'fixed-indegree') synapses = num(c.k, 0) * post.size;
    else if (c.type === 'fixed-total') synapses = num(c.n, 0);
    else if (typeof c.file === 'string') { synapses = Math.floor((hostFileSize(c.file) ?? 0) / 12); exact = false; notes.push(`projection "${name}": synapses counted from the size of ${c.file} (an int32 table)`); }
    else synapses = list(c.pre).length;
    const isPlastic = o.plasticity !== undefined;
    targets.push({ name, port: `${String(o.to)}:${String(o.port)}`, keyable: !isPlastic, gain: isPlastic && typeof o.gainModulator === 'string' ? o.gainModulator : undefined });
    const delay = o.delay === undefined ? { max: dt, exact: true } : maxOf(o.delay, dt);
    const explicitDelays = Array.isArray(c.delays) ? (c.delays as number[]).reduce((a, d) => Math.max(a, num(d, dt)), dt) : undefined;
    const gpuBuilt = !isPlastic && (c.type === 'fixed-indegree' || c.type === 'fixed-total');
    if (gpuBuilt) {
      // Delays of drawn synapses in float32 steps, one spare slot (compile-spiking.ts: drawn()).
      post.slots = Math.max(post.slots, Math.max(1, Math.floor(Math.fround(delay.max / dt) + 0.5)) + 2);
    } else if (c.type !== 'explicit' || typeof c.file !== 'string') {
      post.slots = Math.max(post.slots, Math.max(1, Math.round((explicitDelays ?? delay.max) / dt)) + 1);
    } else estimated = true;
    if (!delay.exact) estimated = true;
    const kind = isPlastic ? 'plastic, built on the host' : c.procedural === true ? 'procedural (regenerated at each spike)' : gpuBuilt ? 'generated on the GPU' : 'built on the host';
    projections.push({ name, synapses, stored: kind, ...(exact ? {} : { estimate: true }) });
    if (!exact) estimated = true;
    if (c.type === 'fixed-total' && c.procedural === true) { procedural.push({ pre, synapses, name }); return; }
    if (gpuBuilt) { generated.push({ pre, synapses, name }); return; }
    hostBuilt.push({ field: `projections[${index}]`, name, synapses, estimate: !exact });
    if (!isPlastic) { stored.push({ pre, synapses, name, estimate: !exact }); return; }
    const p = o.plasticity as Obj;
    let ruleName = String(p.rule);
    if (p.variant === 'multiplicative') ruleName = `${ruleName}-multiplicative`;
    const rule = rules.get(ruleName, `projections[${index}].plasticity.rule`);
    const tableLength = (tau: string) => { const t = num(p[tau], rule.defaults[tau] ?? 1); return Math.min(1 << 20, Math.max(2, Math.ceil((60 * Math.LN2 * t) / dt) + 1)); };
    const traceWords = rule.traces.reduce((a, t) => a + 3 * B * (t.side === 'pre' ? pre.size : post.size), 0);
    const constants = 4 + rule.traces.reduce((a, t) => a + tableLength(t.tau), 0) + (rule.eligibilityTau ? tableLength(rule.eligibilityTau) : 1) + Math.max(B * (rule.paramNames.length + rule.derivedNames.length), 1);
    plastic.push({
      name, index, pre, post, synapses, threeFactor: rule.blocks.modulated !== undefined, traceWords, constants, estimate: !exact,
      traces: rule.traces.length > 0, onPost: rule.blocks.onPost !== undefined, modulator: String(p.modulator ?? ''),
    });
  });

  const gpu: BufferNeed[] = [], host: HostNeed[] = [];
  const uploads = new Map<string, number>();
  // Each buffer's size before padding: the fused path lays some of them out in one buffer.
  const unpadded = new Map<string, number>();
  const buf = (field: string, label: string, bytes: number, o: { usage?: BufferNeed['usage']; upload?: boolean; transient?: boolean; estimate?: boolean } = {}) => {
    unpadded.set(label, bytes);
    gpu.push({ field, label, bytes: padded(bytes), usage: o.usage ?? 'storage', ...(o.transient ? { transient: true } : {}), ...(o.estimate ? { estimate: true } : {}) });
    if (o.upload !== false) uploads.set(field, (uploads.get(field) ?? 0) + bytes);
  };
  const dispatches: Footprint['dispatches'] = [];
  const spikesPerStep = neurons * rateHz * dt * 1e-3;
  let traffic = 0, work = neurons;

  // Stored synapses (engine/run/synapse-build.ts): rows of every population with stored outgoing synapses.
  const rowPops = pops.filter((p) => stored.some((s) => s.pre === p) || generated.some((g) => g.pre === p));
  const rows = rowPops.reduce((a, p) => a + p.size, 0);
  if (rows > 0) {
    const field = 'projections (stored synapses)';
    buf(field, 'gen_info', Math.max(generated.length, 1) * GEN_WORDS * 4, { transient: true });
    buf(field, 'build_info', 16, { usage: 'uniform', upload: false, transient: true });
    if (generated.length) {
      buf(field, 'synapse counts', rows * 4, { upload: false, transient: true });
      buf(field, 'readback:synapse counts', rows * 4, { usage: 'staging', upload: false, transient: true });
    }
    // Parts of whole rows that fit one binding, from the expected row lengths.
    const perRow = rowPops.map((p) => [...stored, ...generated].filter((s) => s.pre === p).reduce((a, s) => a + s.synapses, 0) / p.size);
    const maxSyn = Math.floor(opts.bindingLimit / 4);
    const total = perRow.reduce((a, r, k) => a + r * rowPops[k].size, 0);
    const parts: [number, number, number][] = [];
    if (total <= maxSyn) parts.push([0, rows, total]);
    else {
      let r0 = 0, s = 0, r = 0;
      rowPops.forEach((p, k) => {
        for (let j = 0; j < p.size; j++, r++) {
          if (s + perRow[k] > maxSyn && r > r0) { parts.push([r0, r, s]); r0 = r; s = 0; }
          s += perRow[k];
        }
      });
      parts.push([r0, rows, s]);
      estimated = true;
    }
    storedParts = parts.length;
    const counted = parts.length > 1 || stored.some((s) => s.estimate);
    for (const [r0, r1, S] of parts) {
      const label = parts.length > 1 ? `synapses, rows ${r0}..${r1 - 1}` : `synapses, rows 0..${rows - 1}`;
      const n = Math.max(Math.round(S), 1) * 4;
      for (const a of ['syn_target', 'wq', 'delay_pop']) buf(field, `${label}:${a}`, n, { estimate: counted, upload: stored.length > 0 });
      if (generated.length) buf(field, `${label}:cursor`, (r1 - r0) * 4, { transient: true });
      buf(field, `${label}:row_ptr`, (r1 - r0 + 1) * 4, { estimate: parts.length > 1 });
      dispatches.push({ label: `synapse-spike${parts.length > 1 ? ` rows ${r0}..${r1 - 1}` : ''}`, perStep: 1 });
    }
    host.push({ field, label: 'row pointers and counts of the stored synapses (build)', bytes: rows * 28, transient: true });
    traffic += spikesPerStep * (total / Math.max(rows, 1)) * 16;
    work += spikesPerStep * (total / Math.max(rows, 1));
  }
  for (const h of hostBuilt) {
    host.push({ field: h.field, label: `${h.synapses} synapses of projection "${h.name}", built on the host (pairs, sorting, merged rows, uploads)`, bytes: h.synapses * HOST_BYTES_PER_SYNAPSE, elements: h.synapses, transient: true, estimate: h.estimate });
    host.push({ field: h.field, label: `${h.synapses} synapses of projection "${h.name}" as (pre, post) pairs in plain arrays`, bytes: h.synapses * HEAP_BYTES_PER_SYNAPSE, heap: true, estimate: h.estimate });
  }

  // Network buffers (engine/run/spiking-simulation.ts), in creation order.
  const states = pops.reduce((a, p) => a + p.states * B * p.size, 0);
  const ring = pops.reduce((a, p) => a + p.slots * p.ports * B * p.size, 0);
  const poissonInputs = list(spec.inputs).filter((i) => isObj(i) && i.type === 'poisson');
  const poisson = poissonInputs.reduce((a: number, i) => a + B * (byName.get((i as Obj).target as string)?.size ?? 0), 0);
  // Per-instance weights (engine/plan/instance-weights.ts): B inverse scales per port they reach, a slot of
  // 1 + 2 B words per projection or spike train into it.
  const keys = Object.keys(isObj(spec.batch) && isObj(spec.batch.params) ? spec.batch.params : {});
  for (const i of list(spec.inputs)) if (isObj(i) && i.type === 'spikes') targets.push({ name: '', port: `${String(i.target)}:${String(i.port)}`, keyable: false });
  const keyed = (p: (typeof targets)[number]) => (p.keyable ? ['weight', 'weightScale'].some((k) => keys.includes(`projections.${p.name}.${k}`))
    : p.gain !== undefined && ['amplitude', 'baseline'].some((k) => keys.includes(`modulators.${p.gain}.${k}`)));
  const flagged = new Set(targets.filter(keyed).map((p) => p.port));
  const slotWords = flagged.size * B + targets.filter((p) => flagged.has(p.port)).length * (1 + 2 * B);
  const inputWords = neurons + 2 * poisson + B * poissonInputs.length + slotWords;
  work += poisson; // one Poisson draw per neuron, instance and input each step
  const M = Math.max(list(spec.modulators).length, 1);
  const popsField = `populations (every population x batch ${B})`;
  buf('chunkSteps', 'step_info', chunkSteps * STEP_STRIDE, { usage: 'uniform', upload: false });
  buf(popsField, 'state', states * 4);
  buf(popsField, 'refrac', neurons * 4, { upload: false });
  buf(popsField, 'params', pops.reduce((a, p) => a + B * p.params, 0) * 4);
  buf(`${popsField}: input ring of ${Math.max(...pops.map((p) => p.slots))} delay slots`, 'ring', Math.max(ring, 1) * 4, { upload: false, estimate: estimated });
  buf(popsField, 'spikes', Math.max(2 * neurons, 1) * 4, { upload: false });
  // Two spike counts per population, then the fault words (engine/codegen/faults.ts: 1 + the most state variables).
  const faultWords = opts.detectFaults ?? true ? faultWordCount(Math.max(...pops.map((p) => p.states))) : 0;
  buf(popsField, 'spike_count', Math.max((pops.length * 2 + faultWords) * 4, 16), { upload: false });
  buf('batch', 'seeds', B * 4);
  // DC per neuron, then per Poisson input two values per neuron and instance (e^{-mean/chunks}, chunks) and its weight per instance.
  buf('inputs', 'inputs', Math.max(inputWords, 1) * 4);
  host.push({ field: popsField, label: 'initial states, parameter and input tables (the plan)', bytes: (states + 2 * neurons + inputWords) * 4, elements: Math.max(states, inputWords) });
  const records = list(spec.record).map((r, i) => ({ ...(r as Obj), index: i })) as (Obj & { index: number })[];
  const spikeRecs = records.filter((r) => r.what === 'spikes');
  const words = spikeRecs.reduce((a, r) => a + chunkSteps * B * Math.ceil((byName.get(r.population as string)?.size ?? 0) / 32), 0);
  buf('record (spike bitsets of one chunk)', 'spike_bits', Math.max(words, 4) * 4, { upload: false });
  buf('modulators', 'modulators', chunkSteps * B * M * 4, { upload: false });
  for (const name of new Set(list(spec.populations).map((p) => (p as Obj).model))) {
    const covered = pops.filter((p) => (list(spec.populations)[p.index] as Obj).model === name);
    dispatches.push({ label: `neuron-update ${String(name)}`, perStep: 1 });
    traffic += covered.reduce((a, p) => a + B * p.size * 4 * (2 * p.states + 2 * p.ports + 2), 0);
  }
  list(spec.inputs).forEach((i, k) => {
    const o = i as Obj;
    if (o.type !== 'spikes') return;
    const times = list(o.times) as number[];
    const T = times.reduce((a: number, t) => Math.max(a, Math.round(t / dt) + 1), 0);
    const label = `spike-source "${String(o.name)}" -> ${String(o.target)}`;
    buf(`inputs[${k}]`, `${label}:step_ptr`, (T + 1) * 4);
    buf(`inputs[${k}]`, `${label}:neurons`, Math.max(times.length, 1) * 4);
    dispatches.unshift({ label, perStep: 1 });
  });
  if (procedural.length) {
    // A connectivity seed per instance: B sets of rows, then the B seeds.
    const seeded = (p: { name: string }) => keys.includes(`projections.${p.name}.seed`);
    buf('projections (procedural)', 'procedural:row_ptr', procedural.reduce((a, p) => a + (seeded(p) ? B * (p.pre.size + 2) : p.pre.size + 1), 0) * 4);
    buf('projections (procedural)', 'procedural:proj_info', procedural.length * PROJ_WORDS * 4);
    dispatches.push({ label: 'synapse-procedural', perStep: 1 });
    traffic += spikesPerStep * procedural.reduce((a, p) => a + p.synapses / p.pre.size, 0) * 4;
    work += spikesPerStep * procedural.reduce((a, p) => a + p.synapses / p.pre.size, 0);
  }
  // Plastic projections share buffers in groups (engine/plan/plastic-groups.ts): one dispatch per pass kind and group.
  const fieldOf = (p: typeof plastic[number]) => `projections[${p.index}] (plastic weights${p.threeFactor ? ' and eligibilities' : ''} of ${B} instance${B > 1 ? 's' : ''})`;
  for (const p of plastic) {
    const S = p.synapses;
    host.push({ field: fieldOf(p), label: `initial weights of every instance and column index of plastic "${p.name}" (${p.pre.name} -> ${p.post.name})`, bytes: ((p.threeFactor ? 2 : 1) * B + 5) * S * 4, elements: (p.threeFactor ? 2 : 1) * B * S, estimate: p.estimate });
    traffic += B * S * 4 * (p.threeFactor ? 4 : 1) + spikesPerStep * (S / p.pre.size) * 16;
    work += (p.threeFactor ? B * S : 0) + 2 * spikesPerStep * (S / p.pre.size);
  }
  const groups = packGroups(plastic, (p) => plasticWords(p, B, p.constants), opts.bindingLimit);
  for (const [gi, g] of groups.entries()) {
    const ps = g.members.map((m) => m.p), n = ps.length, w = g.words;
    const label = `plastic${groups.length > 1 ? ` group ${gi + 1}` : ''} (${n} projection${n > 1 ? 's' : ''}: ${ps.slice(0, 4).map((p) => p.name).join(', ')}${n > 4 ? ', ...' : ''})`;
    // A buffer over the binding limit holds one projection (a group grows only while its buffers fit).
    const field = fieldOf(ps[0]), e = { estimate: ps.some((p) => p.estimate) };
    buf(field, `${label}:weights`, w.wel * 4, e);
    buf(field, `${label}:traces`, w.tr * 4, { upload: false });
    buf(field, `${label}:constants`, w.pconst * 4);
    buf(field, `${label}:eligibility steps`, w.elast * 4, { ...e, upload: false });
    for (const [a, role] of [['row_ptr', 'rowPtr'], ['post_idx', 'syn'], ['delay', 'syn'], ['col_ptr', 'colPtr'], ['col_syn', 'syn'], ['pre_idx', 'syn']] as const) buf(field, `${label}:${a}`, w[role] * 4, e);
    const kinds = [...(ps.some((p) => p.traces) ? ['plastic-trace'] : []), 'plastic-pre', ...(ps.some((p) => p.onPost) ? ['plastic-post'] : []),
      ...new Set(ps.filter((p) => p.threeFactor).map((p) => `plastic-eligibility (modulator "${p.modulator}")`))];
    for (const k of kinds) dispatches.push({ label: `${k} ${label}`, perStep: 1 });
  }

  // Recorders: state rings and units, spike counts for rates, weight rings.
  const recorders: Footprint['recorders'] = [];
  let staging = words * 4;
  for (const r of records) {
    const field = `record[${r.index}]`, every = num(r.every, 1), capacity = Math.ceil(chunkSteps / every) + 1, name = String(r.name);
    if (r.what === 'spikes' || r.what === 'modulator') {
      if (r.what === 'modulator') recorders.push({ name, what: 'modulator', bytesPerRow: B * 4, every });
      continue;
    }
    if (r.what === 'rate') {
      buf(field, `recorder "${name}":counts`, chunkSteps * B * 4, { upload: false });
      dispatches.push({ label: `record-rate "${name}"`, perStep: 1 });
      recorders.push({ name, what: 'rate', bytesPerRow: B * 4, every });
      staging += chunkSteps * B * 4;
    } else if (r.what === 'weights') {
      const p = plastic.find((q) => q.name === r.projection)!;
      const rowBytes = B * p.synapses * 4;
      buf(field, `recorder "${name}":ring`, Math.max(capacity * rowBytes, 4), { upload: false, estimate: p.estimate });
      dispatches.push({ label: `copy of the weights of "${p.name}"`, perStep: 1 / every, copy: true });
      recorders.push({ name, what: 'weights', bytesPerRow: rowBytes, every });
      staging += Math.ceil(chunkSteps / every) * rowBytes;
    } else {
      const units = Array.isArray(r.units) ? r.units.length : byName.get(r.population as string)!.size;
      buf(field, `recorder "${name}":ring`, capacity * B * units * 4, { upload: false });
      buf(field, `record-gather "${name}":units`, units * 4);
      dispatches.push({ label: `record-gather "${name}"`, perStep: 1 / every });
      recorders.push({ name, what: String(r.what), bytesPerRow: B * units * 4, every });
      staging += Math.ceil(chunkSteps / every) * B * units * 4;
    }
  }
  // The path, as SpikingSimulation.create chooses it (engine/plan/spiking-path.ts: fusedBlockers from the
  // plan; here from the spec): the fused path replaces every kernel of the step by one dispatch per chunk.
  const blockers = fusedBlockers({ plastic: plastic.length, storedParts, batch: B, maxWorkgroups: opts.maxWorkgroups ?? 65535 });
  // 'on' with a blocker is a SpecError of the simulation; the dry run counts the multi-dispatch path then.
  const path = opts.fused === 'on' && blockers.length
    ? { kind: 'multi-dispatch', reason: `fused 'on' is refused: the fused path does not cover ${blockers.join(', ')}` }
    : chooseSpikingPath(opts.fused, neurons / B, blockers, opts.software ?? false);
  if (path.kind === 'fused') {
    // The fused kernel's buffers (engine/run/spiking-fused.ts): the state recorders' rings and the rate
    // recorders' counts in one buffer, the state units, the spike trains' tables and the procedural rows
    // and info in another, in place of record-gather's, record-rate's, spike-source's and synapse-procedural's.
    const moved = { rings: 0, tables: 0 };
    for (let k = gpu.length - 1; k >= 0; k--) {
      const l = gpu[k].label;
      const to = /^recorder ".*":(ring|counts)$/.test(l) ? 'rings'
        : /^record-gather ".*":units$/.test(l) || /^spike-source .*:(step_ptr|neurons)$/.test(l) || /^procedural:/.test(l) ? 'tables' : undefined;
      if (to) { moved[to] += unpadded.get(l) ?? gpu[k].bytes; gpu.splice(k, 1); }
    }
    // The fault words, one set per instance (engine/run/spiking-simulation.ts).
    gpu.find((b) => b.label === 'spike_count')!.bytes = Math.max((pops.length * 2 + B * faultWords) * 4, 16);
    buf('record', 'spiking-fused:state rings', Math.max(moved.rings, 4), { upload: false });
    buf('record', 'spiking-fused:tables', Math.max(moved.tables, 4));
    const copies = dispatches.filter((d) => d.copy);
    dispatches.length = 0;
    dispatches.push({ label: `spiking-fused (every step of a chunk of ${chunkSteps}; ${B} workgroup${B > 1 ? 's' : ''})`, perStep: 1 / chunkSteps }, ...copies);
  }
  notes.push(`path: ${path.kind} (${path.reason})`);
  const inFlight = opts.maxInFlight ?? 3;
  if (staging > 0) {
    gpu.push({ field: 'record', label: `readback staging of one chunk's recordings (${chunkSteps} steps)`, bytes: staging, usage: 'staging' });
    host.push({ field: 'record', label: `recordings of ${inFlight} chunks in flight while running`, bytes: inFlight * staging });
  }
  // Dawn copies each initial upload into staging memory until it is submitted.
  for (const [field, bytes] of uploads) host.push({ field, label: `upload staging (${field})`, bytes, transient: true });
  notes.push(`synaptic events and traffic per step assume a mean firing rate of ${rateHz} Hz`);
  if (estimated) notes.push('sizes marked ~ are estimates: random connectivity (expected counts), drawn delays (mean + 3 sd) or the split of the stored synapses into parts');
  return {
    kind: 'spiking', batch: B, chunkSteps, populations: pops.map((p) => ({ name: p.name, size: p.size })), projections,
    gpu, host, dispatches, trafficPerStep: traffic, workPerStep: work, gemmWorkPerStep: 0, recorders, notes,
    spikeRecorders: spikeRecs.map((r) => ({ name: String(r.name), neurons: B * (byName.get(r.population as string)?.size ?? 0) })),
  };
}
