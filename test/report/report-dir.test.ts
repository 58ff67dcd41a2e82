/**
 * report.html from an output directory alone (no GPU): an interrupted run with a large spike table and
 * a recording cut short, drawn within the caps and rendered in headless Chromium; units read from the
 * models; `lamina report DIR` regenerating a report and refusing what is not a run's directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../engine/models/builtin-models.ts';
import { portUnit, stateUnit, withUnit } from '../../engine/models/variable-units.ts';
import { CAPS } from '../../engine/node/report-figure.ts';
import { writeReport } from '../../engine/node/report.ts';
import { encodeNpy, npyHeader } from '../../engine/util/npy.ts';
import { launchChromium, openPage } from './browser.ts';

const root = mkdtempSync(join(tmpdir(), 'lamina-report-dir-'));

/**
 * A spiking run of 1000 neurons stopped at step 8000 of 20000: 400,000 spikes in sE.npy, and V.npy
 * whose header states all 2000 planned rows while 800 are on disk (a file cut off mid-run).
 */
function interruptedRun(): string {
  const out = join(root, 'interrupted');
  mkdirSync(out);
  const spec = {
    dt: 0.1, populations: [{ name: 'E', size: 1000, model: 'lif_psc_exp' }, { name: 'C', size: 10, model: 'lif_coba' }],
    record: [{ name: 'sE', population: 'E', what: 'spikes' }, { name: 'V', population: 'E', what: 'V', units: Array.from({ length: 50 }, (_, k) => 20 * k), every: 10 }, { name: 'gC', population: 'C', what: 'g_exc' }],
  };
  writeFileSync(join(out, 'meta.json'), JSON.stringify({ lamina: '0.1.0', status: 'interrupted', steps: 20000, steps_completed: 8000, dt_ms: 0.1, batch: 1, target: 'big.json', spec }));
  const spikes = new Int32Array(400_000 * 3);
  for (let k = 0; k < 400_000; k++) spikes.set([Math.floor(k / 50), 0, (k * 7919) % 1000], 3 * k);
  writeFileSync(join(out, 'sE.npy'), encodeNpy(spikes, [400_000, 3]));
  const V = Float32Array.from({ length: 800 * 50 }, (_, k) => -65 + 15 * Math.sin(k / 50 / 40 + (k % 50)));
  writeFileSync(join(out, 'V.npy'), Buffer.concat([npyHeader('<f4', [2000, 1, 50]), new Uint8Array(V.buffer)]));
  writeFileSync(join(out, 'gC.npy'), encodeNpy(new Float32Array(0), [0, 1, 10]));
  writeFileSync(join(out, 'extra.svg'), '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="4" y="20">scenario figure</text></svg>\n');
  return out;
}

describe('report.html from an output directory', () => {
  it('shows an interrupted run prominently, draws what its files hold within the caps, and renders without errors', async () => {
    const out = interruptedRun();
    const file = writeReport(out);
    const html = readFileSync(file, 'utf8');
    expect(statSync(file).size).toBeLessThan(1_500_000);
    expect(html).toContain('data-status="interrupted"');
    expect(html).toContain('Run interrupted: 8000 of 20000 steps completed.');
    // The raster keeps to its cap: the first part of the run, said in its title.
    const raster = /<figure data-kind="raster"[\s\S]*?<\/figure>/.exec(html)![0];
    const marks = (raster.match(/h1\.5/g) ?? []).length;
    expect(marks).toBeGreaterThan(CAPS.RASTER_MARKS / 2);
    expect(marks).toBeLessThanOrEqual(CAPS.RASTER_MARKS);
    expect(raster).toMatch(/Spikes, first \d+(\.\d+)? ms of 800 ms/);
    expect(html).toContain('V of E (V.npy): instance 0, 8 of 50 recorded; 800 rows of 2000 planned, one every 1 ms.');
    // Traces are reduced to at most 2 points per bucket.
    const traces = /<figure data-kind="traces" data-source="V.npy">[\s\S]*?<\/figure>/.exec(html)![0];
    for (const m of traces.matchAll(/points="([^"]*)"/g)) expect(m[1].split(' ').length).toBeLessThanOrEqual(2 * CAPS.LINE_BUCKETS);
    expect(html).toContain('gC.npy: gC.npy: no rows recorded');
    expect(html).toContain('summary.json is missing.');
    expect(html).toContain('<figure data-kind="scenario" data-source="extra.svg">\n<svg');
    const browser = await launchChromium();
    try {
      const { page, errors, requests } = await openPage(browser, file);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.locator('.status[data-status="interrupted"]').isVisible()).toBe(true);
      expect(await page.locator('figure[data-kind="heatmap"][data-source="V.npy"] text.axis-title').allTextContents()).toEqual(['time (ms)', 'neuron (index)', 'V (mV)']);
      expect(await page.locator('figure[data-kind="scenario"] svg text').textContent()).toBe('scenario figure');
    } finally {
      await browser.close();
    }
  });

  it('takes units from the models: state variables as declared, weights in the unit of the port they arrive on', () => {
    expect(stateUnit(BUILTIN_MODELS.lif_psc_exp, 'V')).toBe('mV');
    expect(stateUnit(BUILTIN_MODELS.adlif_psc_exp, 'w')).toBe('pA');
    expect(stateUnit(BUILTIN_MODELS.lif_psc_exp, 'nope')).toBeUndefined();
    expect(portUnit(BUILTIN_MODELS.lif_psc_exp, 'inh')).toBe('pA');
    expect(portUnit(BUILTIN_MODELS.lif_coba, 'exc')).toBe('1');
    expect(portUnit(BUILTIN_MODELS.lif_coba, 'other')).toBeUndefined();
    expect([withUnit('g', '1'), withUnit('V', 'mV'), withUnit('x', undefined)]).toEqual(['g (dimensionless)', 'V (mV)', 'x (unit unknown)']);
  });

  it('lamina report DIR rewrites the report; a directory that is no run\'s output is bad input (exit 2)', () => {
    const out = join(root, 'cli');
    mkdirSync(out);
    writeFileSync(join(out, 'meta.json'), JSON.stringify({ target: 'demo', steps: 10 }));
    writeFileSync(join(out, 'summary.json'), JSON.stringify({ checks: [{ name: 'answer is 42', pass: true, detail: '42' }] }));
    const lamina = (...args: string[]) => spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 60_000 });
    const ok = lamina('report', out);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe(join(out, 'report.html'));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<td>answer is 42</td><td class="pass">PASS</td>');
    rmSync(join(out, 'meta.json')); rmSync(join(out, 'summary.json'));
    for (const args of [['report', out], ['report', join(root, 'missing')], ['report']]) {
      const r = lamina(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^lamina: error: .*(report|DIR)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
