/**
 * Recordings stream: spikes reach their .npy file chunk by chunk while the run goes on, so host memory
 * holds at most a few chunks however long the run; the finished file holds every spike, in step order.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpikingSimulation } from '../../engine/run/spiking-simulation.ts';
import { NpyRowsWriter, readNpy } from '../../engine/node/npy-files.ts';
import { twoPopulationSpiking } from '../spiking-specs.ts';

describe('streamed spike recording', () => {
  it('writes each chunk as it arrives and keeps every spike in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-stream-'));
    const path = join(dir, 'sE.npy');
    const writer = new NpyRowsWriter(path, 3);
    const sim = await SpikingSimulation.create(twoPopulationSpiking(), { batch: 2, chunkSteps: 50, maxInFlight: 2 });
    const sizes: number[] = [];
    let total = 0;
    await sim.run(1000, {
      onSpikes: (rec, s, b, n) => {
        if (rec !== 'sE') return;
        const rows = new Int32Array(s.length * 3);
        for (let k = 0; k < s.length; k++) { rows[3 * k] = s[k]; rows[3 * k + 1] = b[k]; rows[3 * k + 2] = n[k]; }
        writer.append(rows);
        total += s.length;
      },
      onProgress: () => { sizes.push(statSync(path).size); },
    });
    sim.destroy();
    expect(writer.close()).toBe(total);
    // The file grew during the run: at the 10th of 20 chunks it already held spikes (at most maxInFlight chunks behind).
    expect(sizes.length).toBe(20);
    expect(sizes[9]).toBeGreaterThan(128);
    expect(sizes[9]).toBeLessThan(statSync(path).size);
    for (let k = 1; k < sizes.length; k++) expect(sizes[k]).toBeGreaterThanOrEqual(sizes[k - 1]);
    const { shape, data } = readNpy(readFileSync(path));
    expect(shape).toEqual([total, 3]);
    for (let k = 3; k < data.length; k += 3) expect(data[k]).toBeGreaterThanOrEqual(data[k - 3]);
  });
});
