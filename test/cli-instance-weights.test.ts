/** `lamina run` with static weights per instance: meta.json lists each instance's fixed-point scale of the ports they reach. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'lamina-instance-weights-'));

describe('lamina run: weights per instance', () => {
  it('meta.json: fixed_point_scales per instance where the port\'s scale is per instance', () => {
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({
      dt: 0.1, steps: 20, populations: [{ name: 'E', size: 20, model: 'lif_psc_exp' }],
      projections: [
        { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.5 }, weight: 10 },
        { name: 'IE', from: 'E', to: 'E', port: 'inh', connectivity: { type: 'fixed-probability', p: 0.5 }, weight: -10 },
      ],
      batch: { size: 3, params: { 'projections.EE.weight': [10, 20, 1e6] } },
    }));
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, ['bin/lamina.js', 'run', spec, '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const [ee, ie] = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).synapses;
    expect(ee.fixed_point_scales).toHaveLength(3);
    expect(ee.fixed_point_scales[0]).toBe(ee.fixed_point_scale);
    expect(ee.fixed_point_scales[2]).toBeLessThan(ee.fixed_point_scales[0]);
    expect(ie.fixed_point_scales).toBeUndefined();
  });
});
