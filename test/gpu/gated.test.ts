/**
 * Gated (LSTM, GRU) populations against torch.nn.LSTM / torch.nn.GRU (CPU, float32; Debian's
 * python3-torch, installed by scripts/setup-test-peers.sh): the same weights (exported by
 * scripts/torch-export.py, loaded as npy weights and biases), the same input sequence per instance
 * (batch 8 = torch's batch dimension), 200 steps; and the GPU kernel against its CPU twin for h, c and
 * every gate. Lamina's input population X (x = I_ext, r = x) delivers input sample t at step t + 1, so
 * torch's x_0 is 0 (X's initial rate) and Lamina's samples are torch's x_1 .. x_{T-1}; row t of a
 * recording (after step t) is then torch's step t.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateSimulation } from '../../engine/run/rate-simulation.ts';
import { ReferenceSimulation } from '../../engine/reference/rate.ts';
import { MemorySink } from '../../engine/record/recorders.ts';
import { readNpy } from '../../engine/util/npy.ts';
import { GATES, type GatedKind, type NetworkSpec } from '../../engine/spec/rate.ts';
import { maxRelDiff, withoutValidationErrors } from '../gpu-helpers.ts';
import { TOLERANCE } from '../tolerances.ts';
import { pythonWithTorch } from '../python.ts';

const D = 3, H = 5, B = 8, T = 200;


const load = (dir: string, name: string) => {
  const a = readNpy(new Uint8Array(readFileSync(join(dir, `${name}.npy`))));
  return { shape: a.shape, data: Float32Array.from(a.data as ArrayLike<number>) };
};

function gatedSpec(kind: GatedKind, dir: string): NetworkSpec {
  const x = load(dir, 'x').data;
  // values[k][b][i] = torch's x[k + 1][b][i] (sample k reaches L at step k + 1).
  const values = Array.from({ length: T - 1 }, (_, k) => Array.from({ length: B }, (_, b) => Array.from(x.subarray(((k + 1) * B + b) * D, ((k + 1) * B + b + 1) * D))));
  return {
    dt: 1,
    units: { identity: { params: {}, update: 'x = I_ext;', activation: 'x' } },
    populations: [{ name: 'X', size: D, unit: 'identity' }, { name: 'L', size: H, gated: kind }],
    projections: [
      { name: 'ih', from: 'X', to: 'L', weights: { type: 'npy', file: join(dir, 'weight_ih.npy') }, bias: { file: join(dir, 'bias_ih.npy') } },
      { name: 'hh', from: 'L', to: 'L', weights: { type: 'npy', file: join(dir, 'weight_hh.npy') }, bias: { file: join(dir, 'bias_hh.npy') } },
    ],
    inputs: [{ name: 'x', target: 'X', time: { type: 'array', dt: 1, values } }],
    record: [
      { name: 'h', population: 'L' },
      { name: 'state', population: 'L', what: 'state' },
      ...GATES[kind].map((g) => ({ name: `gate_${g}`, population: 'L', what: 'gate' as const, gate: g })),
    ],
    batch: { size: B },
  };
}

async function runBoth(spec: NetworkSpec) {
  return withoutValidationErrors(async () => {
    const sim = await RateSimulation.create(spec, { chunkSteps: 64 });
    const gpu = new MemorySink();
    await sim.run(T, { sink: gpu });
    const kernels = sim.kernelNames.map((k) => k.name);
    const ref = new ReferenceSimulation(sim.plan, sim.spec.record);
    const cpu = new MemorySink();
    await ref.run(T, { sink: cpu });
    sim.destroy();
    return { gpu, cpu, kernels };
  });
}

/** max |a - b| / max |b|: the error relative to the series' scale. */
function scaledDiff(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let k = 0; k < b.length; k++) { d = Math.max(d, Math.abs(a[k] - b[k])); m = Math.max(m, Math.abs(b[k])); }
  return d / m;
}

describe('gated populations vs torch', () => {
  const py = pythonWithTorch();
  for (const kind of ['lstm', 'gru'] as const) {
    it.skipIf(!py)(`${kind}: torch.nn.${kind.toUpperCase()} and Lamina agree over ${T} steps, batch ${B}; GPU = twin for h, state and every gate`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `lamina-${kind}-`));
      execFileSync(py!, ['test/peers/torch_gated.py', kind, dir, '--input', `${D}`, '--hidden', `${H}`, '--steps', `${T}`, '--batch', `${B}`, '--seed', '3']);
      const { gpu, cpu, kernels } = await runBoth(gatedSpec(kind, dir));
      expect(kernels).toContain('gated-update');
      const torchH = load(dir, 'h');
      expect(torchH.shape).toEqual([T, B, H]);
      const h = gpu.data.get('h')!;
      expect(h.rows).toBe(T);
      const errH = scaledDiff(h.values, torchH.data);
      const errC = kind === 'lstm' ? scaledDiff(gpu.data.get('state')!.values, load(dir, 'c').data) : 0;
      console.log(`${kind}: max |h - h_torch| / max |h_torch| = ${errH.toExponential(2)}${kind === 'lstm' ? `, c: ${errC.toExponential(2)}` : ''}`);
      expect(errH).toBeLessThan(1e-5);
      expect(errC).toBeLessThan(1e-5);
      // Not vacuous: h moves over the run (torch's h spans a wide range).
      expect(Math.max(...torchH.data) - Math.min(...torchH.data)).toBeGreaterThan(0.5);
      for (const name of ['h', 'state', ...GATES[kind].map((g) => `gate_${g}`)]) {
        expect(maxRelDiff(gpu.data.get(name)!.values, cpu.data.get(name)!.values), name).toBeLessThan(TOLERANCE.record_rel);
      }
      // The gate recordings are the gates of the cell: LSTM c_t = f c_{t-1} + i g, h_t = o tanh(c_t); GRU h_t = (1 - z) n + z h_{t-1}.
      const at = (name: string, t: number, k: number) => (t < 0 ? 0 : gpu.data.get(name)!.values[t * B * H + k]);
      let worst = 0;
      for (let t = 0; t < T; t++) {
        for (let k = 0; k < B * H; k++) {
          const predicted = kind === 'lstm'
            ? at('gate_f', t, k) * at('state', t - 1, k) + at('gate_i', t, k) * at('gate_g', t, k)
            : (1 - at('gate_z', t, k)) * at('gate_n', t, k) + at('gate_z', t, k) * at('h', t - 1, k);
          worst = Math.max(worst, Math.abs(predicted - at('state', t, k)));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    }, 120_000);
  }

  // Without torch: the GPU kernel against its twin on generated weights (gaussian, array biases), two
  // gated populations in one network (a GRU fed by an LSTM), per-instance inputs, batch 3.
  it('GPU = twin: an LSTM feeding a GRU, gaussian weights, batch 3, 30 steps', async () => {
    const n = 6, steps = 30, batch = 3;
    const values = Array.from({ length: steps }, (_, k) => Array.from({ length: batch }, (_, b) => Array.from({ length: D }, (_, i) => Math.sin(0.3 * k + b + 2 * i))));
    const bias = (rows: number) => Array.from({ length: rows }, (_, r) => Math.cos(r));
    const spec: NetworkSpec = {
      dt: 1, seed: 11,
      units: { identity: { params: {}, update: 'x = I_ext;', activation: 'x' } },
      populations: [{ name: 'X', size: D, unit: 'identity' }, { name: 'L', size: n, gated: 'lstm' }, { name: 'G', size: n - 1, gated: 'gru' }],
      projections: [
        { name: 'xl', from: 'X', to: 'L', weights: { type: 'gaussian', g: 2 }, bias: bias(4 * n) },
        { name: 'll', from: 'L', to: 'L', weights: { type: 'gaussian', g: 2 } },
        { name: 'lg', from: 'L', to: 'G', weights: { type: 'gaussian', g: 3 }, bias: bias(3 * (n - 1)) },
        { name: 'gg', from: 'G', to: 'G', weights: { type: 'gaussian', g: 2 }, bias: bias(3 * (n - 1)).reverse() },
      ],
      inputs: [{ name: 'x', target: 'X', time: { type: 'array', dt: 1, values } }],
      record: [
        { name: 'hL', population: 'L' }, { name: 'cL', population: 'L', what: 'state' }, { name: 'hG', population: 'G' },
        ...GATES.lstm.map((g) => ({ name: `L_${g}`, population: 'L', what: 'gate' as const, gate: g })),
        ...GATES.gru.map((g) => ({ name: `G_${g}`, population: 'G', what: 'gate' as const, gate: g, units: [0, 2, 4] })),
      ],
      batch: { size: batch },
    };
    const { gpu, cpu } = await withoutValidationErrors(async () => {
      const sim = await RateSimulation.create(spec, { chunkSteps: 8 });
      const g = new MemorySink();
      await sim.run(steps, { sink: g });
      const ref = new ReferenceSimulation(sim.plan, sim.spec.record);
      const c = new MemorySink();
      await ref.run(steps, { sink: c });
      sim.destroy();
      return { gpu: g, cpu: c };
    });
    for (const name of ['hL', 'cL', 'hG', ...GATES.lstm.map((g) => `L_${g}`), ...GATES.gru.map((g) => `G_${g}`)]) {
      expect(gpu.data.get(name)!.rows, name).toBe(steps);
      expect(maxRelDiff(gpu.data.get(name)!.values, cpu.data.get(name)!.values), name).toBeLessThan(TOLERANCE.record_rel);
    }
    // Not vacuous: the instances differ (their own inputs) and the GRU moved.
    const hG = gpu.data.get('hG')!.values, w = n - 1;
    expect(Math.abs(hG[(steps - 1) * batch * w] - hG[(steps - 1) * batch * w + w])).toBeGreaterThan(1e-3);
    expect(Math.max(...hG.map(Math.abs))).toBeGreaterThan(0.1);
  }, 60_000);
});
