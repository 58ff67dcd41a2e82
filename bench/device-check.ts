/**
 * Correctness on whatever adapter runs it (used on lent GPUs, where the test suite does not run):
 * GPU against the CPU reference for each kernel path (matvec, tiled and register-tiled GEMM, split-K, CSR, padded rows,
 * noise); spiking and plastic runs bit for bit against the CPU twin and the golden digests
 * (test/golden-digests.ts), on the multi-dispatch and the chosen spiking path; then the ring-attractor
 * scenario's checks. Exits 1 on any failure.
 *   node dist/device-check.mjs [--out DIR]
 */
import { parseArgs } from 'node:util';
import { RateSimulation } from '../engine/run/rate-simulation.ts';
import type { KernelTuning } from '../engine/run/rate-context.ts';
import { ReferenceSimulation } from '../engine/reference/rate.ts';
import { MemorySink } from '../engine/record/recorders.ts';
import { runToDirectory } from '../scenarios/run.ts';
import { adapterReport } from '../engine/gpu/device.ts';
import type { NetworkSpec } from '../engine/spec/rate.ts';
import { TOLERANCE } from '../test/tolerances.ts';
import { randomTwoPopulationSpec } from '../test/specs.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../test/spiking-specs.ts';
import { SpikingSimulation } from '../engine/run/spiking-simulation.ts';
import { SpikingReference } from '../engine/reference/spiking.ts';
import { createHash } from 'node:crypto';
import type { SpikingSpec } from '../engine/spec/spiking.ts';
import ruleExample from '../examples/plasticity-rules.json';
import { GOLDEN } from '../test/golden-digests.ts';

async function compare(spec: NetworkSpec, batch: number, steps: number, tuning?: KernelTuning): Promise<number> {
  const sim = await RateSimulation.create(spec, { batch, chunkSteps: 7, tuning });
  const gpuRec = new MemorySink();
  await sim.run(steps, { sink: gpuRec });
  const { state } = await sim.read();
  const ref = new ReferenceSimulation(sim.plan, sim.spec.record);
  await ref.run(steps);
  let worst = 0;
  for (let i = 0; i < state.length; i++) worst = Math.max(worst, Math.abs(state[i] - ref.state[i]) / (1 + Math.abs(ref.state[i])));
  console.log(`  batch ${batch}, ${steps} steps, kernels ${sim.kernelNames.map((k) => k.name).join('+')}: max rel diff ${worst.toExponential(2)}`);
  sim.destroy();
  return worst;
}

const { values: o } = parseArgs({ options: { out: { type: 'string', default: 'results/device-check' } } });
let failed = false;
const first = await RateSimulation.create(randomTwoPopulationSpec(1, 64, 48), {});
console.log(`adapter: ${JSON.stringify(adapterReport(first.gpu))}`);
first.destroy();
for (const [seed, nE, nI, batch, steps] of [[1, 64, 48, 1, 20], [2, 64, 48, 5, 20], [3, 1000, 333, 1, 8], [4, 600, 301, 70, 4], [5, 130, 70, 9, 12]] as const) {
  const worst = await compare(randomTwoPopulationSpec(seed, nE, nI), batch, steps);
  if (!(worst <= TOLERANCE.state_rel)) { failed = true; console.log(`  FAIL: above tolerance ${TOLERANCE.state_rel}`); }
}
// GEMM shapes at batch 70 (the register-tiled kernel by default; the tiled one on request), the matrix-vector kernel at 5.
for (const tuning of [{ gemmMaxSplit: 1 }, { gemmKernel: 'tiled' }, { gemmKernel: 'tiled', gemmTileK: 32 }, { gemmThreadTile: '8x4', gemmThreads: 256, gemmTileK: 16 },
  { gemmThreadTile: '4x4', gemmMaxSplit: 1 }, { matvecThreadsPerRow: 32, matvecSubgroups: false }, { matvecThreadsPerRow: 1 }] as KernelTuning[]) {
  const worst = await compare(randomTwoPopulationSpec(6, 600, 301), Object.keys(tuning).some((k) => k.startsWith('gemm')) ? 70 : 5, 4, tuning);
  console.log(`    (tuning ${JSON.stringify(tuning)})`);
  if (!(worst <= TOLERANCE.state_rel)) { failed = true; console.log(`  FAIL: above tolerance ${TOLERANCE.state_rel}`); }
}
// The GEMM with split-K on a device that runs its workgroups concurrently: two runs bit-identical.
{
  const states: Float32Array[] = [];
  for (let k = 0; k < 2; k++) {
    const sim = await RateSimulation.create(randomTwoPopulationSpec(7, 2000, 64), { batch: 64, chunkSteps: 8 });
    await sim.run(16);
    states.push((await sim.read()).state);
    sim.destroy();
  }
  const same = Buffer.from(states[0].buffer).equals(Buffer.from(states[1].buffer));
  console.log(`  GEMM batch 64, 2000 units, two runs: ${same ? 'bit-identical' : 'FAIL: different'}`);
  if (!same) failed = true;
}
// Spiking: exact equality with the CPU twin (stored, procedural and spec-defined models), and a digest
// of the spike trains that must be the same on every device (printed for comparison across machines).
const spikingRuns: [string, () => SpikingSpec, string][] = [
  ['lif_psc_exp', () => twoPopulationSpiking(), GOLDEN.spikes.lif_psc_exp], ['coba (spec-defined)', () => twoPopulationSpiking('coba'), GOLDEN.spikes.coba],
  ['procedural', () => proceduralSpiking(), GOLDEN.spikes.procedural],
];
// Each on the multi-dispatch path, and with its spikes alone recorded (recorded state keeps a network off
// the fused path) on the path chosen for this adapter: the fused one where it covers the network.
const spikesOnly = (spec: SpikingSpec): SpikingSpec => ({ ...spec, record: spec.record?.filter((r) => r.what === 'spikes') });
for (const [name, spec, golden] of spikingRuns) for (const fused of ['off', 'auto'] as const) {
  const sim = await SpikingSimulation.create(fused === 'off' ? spec() : spikesOnly(spec()), { batch: 2, chunkSteps: 50, fused });
  const gpu: string[] = [];
  await sim.run(200, { onSpikes: (r, s, b, n) => { for (let k = 0; k < s.length; k++) gpu.push(`${r}:${s[k]}:${b[k]}:${n[k]}`); } });
  const ref = new SpikingReference(sim.plan);
  const cpu: string[] = [];
  const recName = ['sE', 'sI'];
  for (let t = 0; t < 200; t++) for (const sp of ref.advance()) cpu.push(`${recName[sp.pop]}:${sp.step}:${sp.instance}:${sp.neuron}`);
  gpu.sort(); cpu.sort();
  const same = gpu.length === cpu.length && gpu.every((x, k) => x === cpu[k]);
  const digest = createHash('sha256').update(gpu.join(',')).digest('hex').slice(0, 16);
  console.log(`  spiking ${name} (fused ${fused}: ${sim.path.kind}): ${gpu.length} spikes, ${same ? 'identical to the CPU twin' : 'DIFFERENT from the CPU twin'}, digest ${digest} ${digest === golden ? '= golden' : `FAIL: golden ${golden}`}`);
  if (!same || digest !== golden) failed = true;
  sim.destroy();
}
// Spiking plasticity: STDP (additive with a gain, multiplicative gated) and three-factor, batch 3, and the
// rules written in examples/plasticity-rules.json (triplet STDP, a voltage-dependent rule); the weights
// must equal the CPU twin's bit for bit, and their digest is the same on every device.
const plasticRuns: [string, SpikingSpec, number, string][] = [
  ['stdp', plasticSpec({ threeFactor: false, batch: 3 }), 300, GOLDEN.weights.stdp],
  ['three-factor', plasticSpec({ threeFactor: true, batch: 3 }), 300, GOLDEN.weights.threeFactor],
  ['rules of examples/plasticity-rules.json', structuredClone(ruleExample) as SpikingSpec, 2400, GOLDEN.weights.rules],
];
for (const [name, spec, steps, golden] of plasticRuns) {
  const sim = await SpikingSimulation.create(spec, { chunkSteps: 50 });
  await sim.run(steps);
  const ref = new SpikingReference(sim.plan);
  for (let t = 0; t < steps; t++) ref.advance();
  const hash = createHash('sha256');
  let same = true;
  for (const [k, p] of sim.plan.plastic.entries()) {
    const w = await sim.readWeights(p.name);
    const r = ref.plastic[k].wel.subarray(0, w.length);
    same &&= Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(r.buffer, r.byteOffset, r.byteLength));
    hash.update(Buffer.from(w.buffer, w.byteOffset, w.byteLength));
  }
  const digest = hash.digest('hex').slice(0, 16);
  console.log(`  plasticity ${name}: weights ${same ? 'identical to the CPU twin' : 'DIFFERENT from the CPU twin'}, digest ${digest} ${digest === golden ? '= golden' : `FAIL: golden ${golden}`}`);
  if (!same || digest !== golden) failed = true;
  sim.destroy();
}
const ring = await runToDirectory({ target: 'ring-attractor', out: o.out! });
for (const c of (ring.summary.checks as { name: string; pass: boolean; detail: string }[])) console.log(`  ring: ${c.pass ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`);
if (!ring.pass) failed = true;
console.log(failed ? 'DEVICE CHECK FAILED' : 'DEVICE CHECK PASSED');
process.exit(failed ? 1 : 0);
