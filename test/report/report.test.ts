/**
 * report.html of real runs (a spiking spec and a rate spec, through runToDirectory as `lamina run`
 * does), rendered in headless Chromium: no console or page error and no request beyond the file, the
 * figures expected for what was recorded, axis titles with units, the summary and the run's facts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../engine/version.ts';
import { runToDirectory } from '../../scenarios/run.ts';
import { launchChromium, openPage } from './browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'lamina-report-'));

const SPIKING = {
  dt: 0.1, steps: 200, seed: 3,
  populations: [
    { name: 'E', size: 80, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } },
    { name: 'I', size: 20, model: 'lif_psc_exp', init: { V: { uniform: [-65, -50] } } },
  ],
  projections: [
    { name: 'EE', from: 'E', to: 'E', port: 'exc', connectivity: { type: 'fixed-probability', p: 0.1 }, weight: 80, delay: 1, plasticity: { rule: 'stdp', aPlus: 3, aMinus: 3.3, wMax: 160 } },
    { name: 'IE', from: 'I', to: 'E', port: 'inh', connectivity: { type: 'fixed-indegree', k: 10 }, weight: -300, delay: 1 },
  ],
  inputs: [
    { name: 'bg', target: 'E', type: 'poisson', rate: 16000, weight: 87.8, port: 'exc' },
    { name: 'bgI', target: 'I', type: 'poisson', rate: 14000, weight: 87.8, port: 'exc' },
  ],
  record: [
    { name: 'sE', population: 'E', what: 'spikes' }, { name: 'sI', population: 'I', what: 'spikes' },
    { name: 'V', population: 'E', what: 'V', units: [0, 5, 10, 79], every: 2 },
  ],
};

const RATE = {
  dt: 1, steps: 60, seed: 7,
  populations: [{ name: 'a', size: 12, tau: 10, activation: 'tanh', init: 0.5, noise: 0.2 }, { name: 'b', size: 4, tau: 20, activation: 'relu' }],
  projections: [
    { name: 'rec', from: 'a', to: 'a', weights: { type: 'gaussian', g: 1.2 } },
    { name: 'ab', from: 'a', to: 'b', weights: { type: 'gaussian', g: 0.5 }, plasticity: { rule: 'hebbian', eta: 0.001 } },
  ],
  record: [{ name: 'ra', population: 'a', every: 2 }, { name: 'mean_a', population: 'a', reduce: 'mean' }],
};

async function run(name: string, spec: unknown, batch?: number): Promise<string> {
  const file = join(dir, `${name}.json`), out = join(dir, name);
  writeFileSync(file, JSON.stringify(spec));
  await runToDirectory({ target: file, out, batch });
  return out;
}

/** Texts of `selector` in the page. */
const textsOf = (page: Page, selector: string) => page.locator(selector).allTextContents();

/** The value of a row of the "Run" table. */
async function fact(page: Page, label: string): Promise<string | undefined> {
  return page.evaluate((l) => [...document.querySelectorAll('table[data-table="facts"] tr')].find((r) => r.querySelector('th')?.textContent === l)?.querySelector('td')?.textContent ?? undefined, label);
}

/** Every figure drawn from a recording has an x and a y title, tick labels, and renders at a visible size. */
async function expectReadableFigures(page: Page): Promise<void> {
  const figures = page.locator('section[data-section="figures"] figure');
  for (let k = 0; k < await figures.count(); k++) {
    const f = figures.nth(k), what = `${await f.getAttribute('data-kind')} of ${await f.getAttribute('data-source')}`;
    expect(await f.locator('svg text.axis-title').count(), what).toBeGreaterThanOrEqual(2);
    expect(await f.locator('svg text.tick').count(), what).toBeGreaterThanOrEqual(4);
    const box = await f.locator('svg').first().boundingBox();
    expect(box!.width, what).toBeGreaterThan(300);
    expect(box!.height, what).toBeGreaterThan(200);
  }
}

/** No address outside the file: no http(s) or protocol-relative src/href, no script, no stylesheet link; every src/href a data: URL. */
async function expectSelfContained(html: string, page: Page, requests: string[]): Promise<void> {
  expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  expect(html).not.toMatch(/<script|<link|@import|url\(/i);
  const refs = await page.evaluate(() => [...document.querySelectorAll('[src],[href]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href')));
  for (const r of refs) expect(r!.startsWith('data:'), r!.slice(0, 40)).toBe(true);
  expect(requests).toEqual([]);
}

describe('report.html', () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  /** Runs `spec` and opens its report, which must render without an error and hold no outside address. */
  async function runAndOpen(name: string, spec: unknown, batch: number): Promise<{ out: string; page: Page }> {
    const out = await run(name, spec, batch);
    const file = join(out, 'report.html'), html = readFileSync(file, 'utf8');
    const { page, errors, requests } = await openPage(browser, file);
    expect(errors).toEqual([]);
    await expectSelfContained(html, page, requests);
    return { out, page };
  }

  it('of a spiking run: raster, population rates, V traces and heatmap, STDP weight histogram, summary and meta', async () => {
    const { out, page } = await runAndOpen('spiking', SPIKING, 2);
    const count = (kind: string, source?: string) => page.locator(`figure[data-kind="${kind}"]${source ? `[data-source="${source}"]` : ''} > svg`).count();
    expect(await count('raster', 'sE.npy sI.npy')).toBe(1);
    expect(await count('population-rate', 'sE.npy sI.npy')).toBe(1);
    expect(await count('traces', 'V.npy')).toBe(1);
    expect(await count('heatmap', 'V.npy')).toBe(1);
    expect(await count('weight-histogram', 'weights_EE.npy')).toBe(1);
    expect(await page.locator('section[data-section="figures"] figure').count()).toBe(5);
    await expectReadableFigures(page);
    expect(await textsOf(page, 'figure[data-kind="raster"] text.axis-title')).toEqual(['time (ms)', 'neuron (100 of 100 shown)']);
    expect(await textsOf(page, 'figure[data-kind="population-rate"] text.axis-title')).toEqual(['time (ms)', 'rate (Hz)']);
    expect(await textsOf(page, 'figure[data-kind="traces"] text.axis-title')).toEqual(['time (ms)', 'V (mV)']);
    expect(await textsOf(page, 'figure[data-kind="heatmap"] text.axis-title')).toEqual(['time (ms)', 'neuron (index)', 'V (mV)']);
    expect(await textsOf(page, 'figure[data-kind="weight-histogram"] text.axis-title')).toEqual(['weight (pA)', 'synapses (count)']);
    // The traces' legend names the recorded neurons.
    expect((await textsOf(page, 'figure[data-kind="traces"] tspan')).join(' ')).toBe('neuron 0 neuron 5 neuron 10 neuron 79');
    // Summary and meta as the run wrote them.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    const shown = await page.locator('section[data-section="summary"]').innerText();
    expect(shown).toContain('mean_rate_hz');
    expect(shown).toContain(`[${summary.populations[0].spikes.join(', ')}]`);
    expect(await page.locator('[data-status="complete"]').count()).toBe(1);
    expect(await fact(page, 'lamina version')).toBe(VERSION);
    expect(await fact(page, 'seed')).toBe('3');
    expect(await fact(page, 'adapter')).toContain(meta.adapter.description || meta.adapter.device);
    expect(await fact(page, 'steps')).toBe('200');
    expect(await fact(page, 'time step')).toBe('0.1 ms');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(await fact(page, 'git commit')).toMatch(new RegExp(`^${head}`));
  });

  it('of a rate run: rate traces and heatmap, a mean per instance, the plastic weights; units dimensionless', async () => {
    const { page } = await runAndOpen('rate', RATE, 3);
    const kinds = await page.locator('section[data-section="figures"] figure').evaluateAll((fs) => fs.map((f) => `${f.getAttribute('data-kind')} ${f.getAttribute('data-source')}`));
    expect(kinds).toEqual(['traces ra.npy', 'heatmap ra.npy', 'traces mean_a.npy', 'weight-histogram weights_ab.npy']);
    await expectReadableFigures(page);
    expect(await textsOf(page, 'figure[data-source="ra.npy"] text.axis-title')).toEqual(['time (ms)', 'rate r (dimensionless)', 'time (ms)', 'unit (index)', 'rate r (dimensionless)']);
    expect((await textsOf(page, 'figure[data-source="mean_a.npy"] tspan')).join(' ')).toBe('instance 0 instance 1 instance 2');
    expect(await textsOf(page, 'figure[data-kind="weight-histogram"] text.axis-title')).toEqual(['weight (dimensionless)', 'synapses (count)']);
    expect(await page.locator('section[data-section="summary"]').innerText()).toContain('recorders');
    expect(await fact(page, 'instances (batch)')).toBe('3');
  });
});
