// Both builds in one process, timed sample by sample in alternation (before, after, before, ...), so
// that the machine's drift over seconds and minutes cancels out of the ratio. bench/before-after.sh
// bundles this file with @before/* and @after/* aliased to the two trees' modules.
//   node paired.mjs --json FILE [--rate 1024x1,1024x64,4096x1,u65536x1 (u: units only, no projection)] [--pairs 15]
//     [--coba-pairs 5] [--coba-steps 2000]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import * as rateA from '@before/rate';
import * as rateB from '@after/rate';
import * as spikingA from '@before/spiking';
import * as spikingB from '@after/spiking';
import { coba as cobaA } from '@before/coba';
import { coba as cobaB } from '@after/coba';

const { values: o } = parseArgs({ options: {
  json: { type: 'string' }, rate: { type: 'string', default: '1024x1,1024x64,4096x1' }, pairs: { type: 'string', default: '15' },
  'coba-pairs': { type: 'string', default: '5' }, 'coba-steps': { type: 'string', default: '2000' },
} });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const builds = [
  { name: 'before', Rate: rateA.RateSimulation ?? rateA.Simulation, Spiking: spikingA.SpikingSimulation, coba: cobaA },
  { name: 'after', Rate: rateB.RateSimulation ?? rateB.Simulation, Spiking: spikingB.SpikingSimulation, coba: cobaB },
];
const out = { date: new Date().toISOString(), rows: [] };

/** Alternates `sample` of the two simulations `pairs` times; returns per-build samples and per-pair ratios. */
async function alternate(sims, sample, pairs) {
  const t = [[], []], ratio = [];
  for (let k = 0; k < pairs; k++) {
    const order = k % 2 ? [1, 0] : [0, 1];
    const v = [];
    for (const i of order) v[i] = await sample(sims[i]);
    t[0].push(v[0]); t[1].push(v[1]); ratio.push(v[1] / v[0]);
  }
  return { before: t[0], after: t[1], ratio };
}

function report(what, r) {
  const row = { what, before_median: median(r.before), after_median: median(r.after), ratio_median: median(r.ratio), ratio_min: Math.min(...r.ratio), ratio_max: Math.max(...r.ratio), ...r };
  out.rows.push(row);
  console.log(`${what}: before ${row.before_median.toPrecision(4)}, after ${row.after_median.toPrecision(4)}, after/before per pair: median ${row.ratio_median.toFixed(3)} [${row.ratio_min.toFixed(3)} - ${row.ratio_max.toFixed(3)}]`);
}

for (const size of o.rate.split(',').filter(Boolean)) {
  // NxB: the dense step; uNxB (units only): the same population without the projection.
  const unitsOnly = size.startsWith('u');
  const [N, B] = size.replace(/^u/, '').split('x').map(Number);
  const spec = {
    dt: 0.1, integrator: 'euler', seed: 1,
    populations: [{ name: 'x', size: N, tau: 10, activation: 'tanh', init: 0.1 }],
    projections: unitsOnly ? [] : [{ name: 'W', from: 'x', to: 'x', weights: { type: 'gaussian', g: 1, seed: 3 } }],
    inputs: [{ name: 'I', target: 'x', amplitude: 0.1 }],
    batch: { size: B },
  };
  const sims = [];
  for (const b of builds) sims.push(await b.Rate.create(spec, { chunkSteps: 100 }));
  for (const s of sims) await s.stepsToCompletion(20);
  // Steps per sample: doubled until a sample of the first build takes >= 200 ms.
  let steps = 2;
  for (;;) {
    const t0 = performance.now();
    await sims[0].stepsToCompletion(steps);
    if (performance.now() - t0 >= 200 || steps >= 4096) break;
    steps *= 2;
  }
  report(`rate${unitsOnly ? ' units only' : ''} N=${N} B=${B} us/step (${steps} steps per sample)`, await alternate(sims, async (s) => {
    const t0 = performance.now();
    await s.stepsToCompletion(steps);
    return ((performance.now() - t0) * 1000) / steps;
  }, Number(o.pairs)));
  for (const s of sims) s.destroy();
}

if (Number(o['coba-pairs']) > 0) {
  const sims = [];
  for (const b of builds) {
    const s = await b.Spiking.create(b.coba.build({ steps: 100 }).spec, {});
    await s.run(100);
    sims.push(s);
  }
  const steps = Number(o['coba-steps']);
  report(`COBA s per biological second (${steps} steps per sample)`, await alternate(sims, async (s) => (await s.run(steps)).wallSeconds / (steps * 1e-4), Number(o['coba-pairs'])));
  for (const s of sims) s.destroy();
}
if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 1));
process.exit(0);
