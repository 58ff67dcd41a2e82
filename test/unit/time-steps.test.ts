/**
 * Times to steps by one rule for every connectivity builder (engine/plan/time-steps.ts): refractory
 * periods round up and delays to the nearest step (a tie upwards), as NEST does, despite float error in
 * t / dt; delays that cannot be represented are refused naming the projection, the value and the limit;
 * so are weights beyond the int32 fixed-point range of their port. Before: 2.01 ms of refractoriness at
 * dt 0.1 was 20 steps, 0.15 ms of delay was 1 step built on the host and 2 built on the GPU, negative
 * delays became one step, delays over 65535 steps crashed (host) or wrapped (GPU), and weights above
 * about 2.7e11 overflowed and flipped sign.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../engine/errors.ts';
import { writeNpy } from '../../engine/node/npy-files.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { generateSynapses } from '../../engine/reference/synapse-build.ts';
import type { ConnectivitySpec, Distribution, SpikingSpec } from '../../engine/spec/spiking.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-time-steps-'));
writeNpy(join(dir, 'syn.npy'), Int32Array.of(0, 1, 2, 1, 2, 2), [2, 3]);

function net(connectivity: ConnectivitySpec, delay: Distribution | undefined = 0.15, weight: Distribution = 1, tRef = 2): SpikingSpec {
  return {
    dt: 0.1,
    populations: [{ name: 'E', size: 4, model: 'lif_psc_exp', params: { t_ref: tRef } }],
    projections: [{ name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity, weight, delay }],
  };
}

function refusal(spec: unknown): SpecError {
  try {
    compileSpiking(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('spec was accepted');
}

/** Every delay (in steps) of the projection, whichever builder makes it. */
function delays(spec: SpikingSpec): number[] {
  const { plan } = compileSpiking(spec);
  if (plan.projections.length) return [...plan.projections[0].delay];
  if (plan.generated.length) return [...generateSynapses(plan.generated[0]).delay];
  // Procedural: regenerated as max(floor(mean + sd z + 0.5), 1) on the GPU and in the twin; sd 0 here.
  return [Math.max(Math.floor(plan.procedural[0].dMean + 0.5), 1)];
}

const builders: [string, ConnectivitySpec][] = [
  ['host-built (fixed-probability)', { type: 'fixed-probability', p: 1 }],
  ['GPU-built (fixed-indegree)', { type: 'fixed-indegree', k: 2 }],
  ['GPU-built (fixed-total)', { type: 'fixed-total', n: 5 }],
  ['procedural', { type: 'fixed-total', n: 5, procedural: true }],
  ['explicit list', { type: 'explicit', pre: [0, 1], post: [1, 2] }],
];

describe('refractory periods round up (NEST)', () => {
  for (const [tRef, steps] of [[2.01, 21], [2, 20], [0.3, 3], [0.7, 7], [0, 0], [0.05, 1]]) {
    it(`${tRef} ms at dt 0.1 is ${steps} steps`, () => {
      const { plan } = compileSpiking(net({ type: 'fixed-probability', p: 0 }, 1, 1, tRef));
      expect(plan.paramTable[plan.pops[0].paramCount - 1]).toBe(steps);
    });
  }
});

describe('delays round to the nearest step, a tie upwards, the same for every builder', () => {
  for (const [what, conn] of builders) {
    it(`${what}: 0.15 ms is 2 steps, 0.25 ms 3, 0.05 ms 1, 0.3 ms 3, 0.34 ms 3`, () => {
      for (const [ms, steps] of [[0.15, 2], [0.25, 3], [0.05, 1], [0.3, 3], [0.34, 3]]) {
        expect(new Set(delays(net(conn, ms)))).toEqual(new Set([steps]));
      }
    });
  }

  it('explicit per-synapse delays and a synapse file (delays in steps) follow the same rule', () => {
    expect(delays(net({ type: 'explicit', pre: [0, 1, 2], post: [1, 2, 3], delays: [0.15, 0.25, 0.3] }, undefined))).toEqual([2, 3, 3]);
    expect(delays(net({ type: 'explicit', file: join(dir, 'syn.npy') }, undefined))).toEqual([2, 2]);
  });

  it('spike-source times land on the step by the same rule (0.15 ms at dt 0.1 is step 2, not 1)', () => {
    const spec = { ...net({ type: 'fixed-probability', p: 0 }), inputs: [{ name: 'src', target: 'E', type: 'spikes', times: [0.15, 0.25, 0.3], neurons: [0, 1, 2], weight: 1, port: 'exc' }] };
    const src = compileSpiking(spec).plan.sources[0];
    // stepPtr[n + 1] - stepPtr[n]: events in step n.
    expect(Array.from(src.stepPtr.subarray(1), (v, n) => v - src.stepPtr[n])).toEqual([0, 0, 1, 2]);
  });
});

describe('delays that cannot be represented are refused', () => {
  for (const [what, conn] of builders) {
    it(`${what}: negative, under half a step, over 65535 steps`, () => {
      let e = refusal(net(conn, -1));
      expect([e.field, e.message]).toEqual(['projections[0].delay', expect.stringMatching(/cannot be negative, got -1 ms \(projection "EE"\)/)]);
      e = refusal(net(conn, 0.04));
      expect(e.message).toMatch(/0\.04 ms rounds to 0 steps .* at least one step .* give at least 0\.05 ms/);
      e = refusal(net(conn, 7000));
      expect(e.field).toBe('projections[0].delay');
      expect(e.message).toMatch(/7000 ms is 70000 steps of dt = 0\.1 ms: at most 65535 steps \(6553\.5 ms\) \(projection "EE"\)/);
    });
  }

  it('distributions: a negative mean or low end; GPU draws (normal within 3 sd) beyond 65535 steps', () => {
    expect(refusal(net({ type: 'fixed-probability', p: 1 }, { normal: [-1, 0.5] })).field).toBe('projections[0].delay.normal[0]');
    expect(refusal(net({ type: 'fixed-indegree', k: 2 }, { uniform: [-1, 2] })).field).toBe('projections[0].delay.uniform[0]');
    expect(refusal(net({ type: 'fixed-indegree', k: 2 }, { normal: [6000, 500] })).message).toMatch(/draws reach 75001 steps .* at most 65535/);
    // Draws below one step are raised to one step, as before (the tail of a normal).
    expect(Math.min(...delays(net({ type: 'fixed-probability', p: 1 }, { normal: [0.1, 0.5] })))).toBe(1);
  });

  it('explicit per-synapse delays and synapse-file rows name the synapse', () => {
    const e = refusal(net({ type: 'explicit', pre: [0, 1], post: [1, 2], delays: [0.2, -0.1] }, undefined));
    expect(e.field).toBe('projections[0].connectivity.delays[1]');
    writeNpy(join(dir, 'zero.npy'), Int32Array.of(0, 1, 2, 1, 2, 0), [2, 3]);
    expect(refusal(net({ type: 'explicit', file: join(dir, 'zero.npy') }, undefined)).message).toMatch(/row 1: a delay of 0 steps; delays are in \[1, 65535\] steps/);
  });
});

describe('weights beyond the fixed-point range are refused with the bound', () => {
  // Each builder with the most |weight| units one neuron can receive per step (a bound for fixed-total:
  // mean in-degree + 6 sd + 10 = 0.25 + 3 + 10 with one synapse onto 4 neurons).
  const cases: [string, ConnectivitySpec, number][] = [
    ['host-built (fixed-probability)', { type: 'fixed-probability', p: 1 }, 4],
    ['GPU-built (fixed-indegree)', { type: 'fixed-indegree', k: 2 }, 2],
    ['GPU-built (fixed-total)', { type: 'fixed-total', n: 1 }, 13.25],
    ['procedural', { type: 'fixed-total', n: 1, procedural: true }, 13.25],
    ['explicit list', { type: 'explicit', pre: [0, 1], post: [1, 1] }, 2],
  ];
  for (const [what, conn, most] of cases) {
    it(`${what}: a total of 3e11 onto one neuron (> 2^38) is refused, 2.5e11 is not`, () => {
      const e = refusal(net(conn, 1, 3e11 / most));
      expect(e.field).toBe('projections[0].weight');
      expect(e.message).toMatch(/population "E" can receive up to 3\.0000e\+11 on port exc .* at most 2\^38 = 2\.7488e\+11/);
      expect(() => compileSpiking(net(conn, 1, 2.5e11 / most))).not.toThrow();
    });
  }

  it('the heaviest of several sources is named', () => {
    const spec = net({ type: 'fixed-indegree', k: 1 }, 1, 1e11);
    spec.projections!.push({ name: 'XE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-indegree', k: 1 }, weight: -2e11 });
    const e = refusal(spec);
    expect(e.field).toBe('projections[1].weight');
    expect(e.message).toMatch(/projections\[1\]\.weight: 2\.0000e\+11; projections\[0\]\.weight: 1\.0000e\+11/);
  });
});
