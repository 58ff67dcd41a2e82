/**
 * What the benchmark programs share: order statistics of repeated measurements, the fields every result
 * JSON starts with, the CPU time of the process's other threads, and the end of a run (result to --json,
 * to stdout, then exit).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Median, smallest and largest of repeated measurements (for an even count, the upper middle one). */
export function stats(xs: number[]): { median: number; min: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * CPU seconds used so far by every thread of this process but the main one (Linux, /proc): on lavapipe
 * its worker threads, which run the shaders, and Dawn's. The main thread's polling is left out.
 */
export function otherThreadsCpu(): number {
  let ticks = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    try {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* the thread has ended */ }
  }
  return ticks / 100;
}

/** Which benchmark, when, and the command line that ran it: enough to reproduce a row of RESULTS.md. */
export function header(bench: string): { bench: string; date: string; command: string } {
  return { bench, date: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
}

/** The result as JSON into `file`, if one was given (--json). */
export function saveJson(file: string | undefined, result: object): void {
  if (file) writeFileSync(file, JSON.stringify(result, null, 1));
}

/**
 * Saves and prints the result, then exits: explicitly, because Dawn's GPU instance is kept for the whole
 * process (engine/gpu/device.ts) and would keep Node running.
 */
export function finish(file: string | undefined, result: object): never {
  saveJson(file, result);
  console.log(JSON.stringify(result, null, 1));
  process.exit(0);
}
