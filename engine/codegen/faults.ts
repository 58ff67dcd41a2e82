/**
 * WGSL of the numerical fault check, spliced into the kernels that update neuron state (rate units:
 * shaders/lib/rate-unit.wgsl; spiking: neuron-update). After a lane has computed its new state it tests
 * every variable for an exponent of all ones (NaN or infinite: WGSL has no isnan, and a compiler may
 * assume floats finite, so the test reads the bits) and, only when one fails, reports it in fault words
 * that the host reads back with each chunk (engine/run/faults.ts decodes them):
 *   word 0:      ~step of the first faulty step (atomicMax: the smallest step wins; 0 = no fault)
 *   word 1 + v:  ~g of the smallest lane index g whose variable v is not finite at that step
 * Lanes of a later step see word 0 already set and report nothing, and every lane of the first step
 * writes the same word 0, so the words hold the smallest (step, g) pair and, for that g, which variables
 * failed: the same report whatever the order the lanes ran in. g orders lanes as (population, instance,
 * neuron). No extra dispatch and, when nothing fails, one predictable branch per lane.
 */

/**
 * The check's functions: `words` is the atomic<u32> array holding the fault words from `base`. Spiking
 * kernels (`spiking`) pass report_fault the step and the instance b: with `perInstance`, instance b's
 * words start at base + b * (1 + variables) (engine/run/faults.ts: groups).
 */
export function faultLib(words: string, base: number, variables: number, spiking?: { perInstance: boolean }): string {
  if (variables > 32) throw new Error(`the fault check handles at most 32 state variables, got ${variables}`);
  // Word k of the lane's set of words.
  const word = (k: number) => (spiking?.perInstance ? `at + ${k}u` : `${base + k}u`);
  const per = Array.from({ length: variables }, (_, v) => `  if ((bad & ${(1 << v) >>> 0}u) != 0u) { atomicMax(&${words}[${word(1 + v)}], ~g); }`);
  return [
    'fn fault_bit(v: f32, k: u32) -> u32 {',
    '  return select(0u, 1u << k, (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u);',
    '}',
    '// Lane g failed the variables in `bad` at this step (engine/codegen/faults.ts).',
    `fn report_fault(g: u32, bad: u32${spiking ? ', step: u32, b: u32' : ''}) {`,
    `  let key = ~${spiking ? 'step' : 'this_step()'};`,
    ...(spiking?.perInstance ? [`  let at = ${base}u + b * ${1 + variables}u;`] : []),
    `  if (atomicLoad(&${words}[${word(0)}]) > key) { return; }`,
    `  atomicMax(&${words}[${word(0)}], key);`,
    ...per,
    '}',
  ].join('\n');
}

/** Statements that check `values` (WGSL expressions, in variable order) of lane `g`. */
export function faultCheck(values: string[], g = 'g', spiking = false): string {
  const bits = values.map((v, k) => `fault_bit(${v}, ${k}u)`).join(' | ');
  return `let fault_mask = ${bits};\n  if (fault_mask != 0u) { report_fault(${g}, fault_mask${spiking ? ', step, b' : ''}); }`;
}

/** Words the fault check needs for `variables` state variables. */
export const faultWordCount = (variables: number): number => 1 + variables;
