// Times the dense rate step and COBA with one Lamina tree's engine. bench/before-after.sh bundles this
// file once per tree (esbuild aliases @lamina/rate, @lamina/spiking and @lamina/coba to that tree's
// modules; the class names differ between versions), so the same code times both builds.
//   node timing.mjs --json FILE [--rate 1024x1,1024x64,4096x1] [--rate-samples 7] [--coba-seconds 1] [--coba-repeats 3]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import * as rate from '@lamina/rate';
import * as spiking from '@lamina/spiking';
import { coba } from '@lamina/coba';

const { values: o } = parseArgs({ options: {
  json: { type: 'string' }, rate: { type: 'string', default: '1024x1,1024x64,4096x1' },
  'rate-samples': { type: 'string', default: '7' }, 'coba-seconds': { type: 'string', default: '1' }, 'coba-repeats': { type: 'string', default: '3' },
} });
const RateSim = rate.RateSimulation ?? rate.Simulation;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = { date: new Date().toISOString(), rate: [], coba: undefined };

for (const size of o.rate.split(',').filter(Boolean)) {
  const [N, B] = size.split('x').map(Number);
  const spec = {
    dt: 0.1, integrator: 'euler', seed: 1,
    populations: [{ name: 'x', size: N, tau: 10, activation: 'tanh', init: 0.1 }],
    projections: [{ name: 'W', from: 'x', to: 'x', weights: { type: 'gaussian', g: 1, seed: 3 } }],
    inputs: [{ name: 'I', target: 'x', amplitude: 0.1 }],
    batch: { size: B },
  };
  const sim = await RateSim.create(spec, { chunkSteps: 100 });
  await sim.stepsToCompletion(20); // warm-up
  // Steps per sample: doubled until a sample takes >= 300 ms (the wait for completion is amortized).
  let steps = 2;
  for (;;) {
    const t0 = performance.now();
    await sim.stepsToCompletion(steps);
    if (performance.now() - t0 >= 300 || steps >= 4096) break;
    steps *= 2;
  }
  const us = [];
  for (let k = 0; k < Number(o['rate-samples']); k++) {
    const t0 = performance.now();
    await sim.stepsToCompletion(steps);
    us.push(((performance.now() - t0) * 1000) / steps);
  }
  sim.destroy();
  out.rate.push({ N, B, steps_per_sample: steps, us_per_step: us, median: median(us) });
  console.error(`rate N=${N} B=${B}: ${median(us).toFixed(1)} us/step (median of ${us.length}, ${steps} steps each)`);
}

if (Number(o['coba-seconds']) > 0) {
  const run = coba.build({ steps: 100 });
  const sim = await spiking.SpikingSimulation.create(run.spec, {});
  await sim.run(100);
  const walls = [];
  let spikes = 0;
  const steps = Math.round((Number(o['coba-seconds']) * 1000) / run.spec.dt);
  for (let r = 0; r < Number(o['coba-repeats']); r++) {
    const t = await sim.run(steps, { onSpikes: (_n, s) => { spikes += s.length; } });
    walls.push(t.wallSeconds / Number(o['coba-seconds']));
  }
  sim.destroy();
  out.coba = { wall_s_per_bio_s: walls, median: median(walls), spikes };
  console.error(`COBA: ${median(walls).toFixed(3)} s per biological second (median of ${walls.length}), ${spikes} spikes`);
}
if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 1));
process.exit(0);
