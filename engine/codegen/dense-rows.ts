/**
 * The generated part of synapse-dense-rows (shaders/synapse-dense-rows.wgsl): row_block(first), the
 * sums of rows first .. first + rpi - 1 for every instance, unrolled into rpi x batch accumulators (so
 * that they stay in registers: a private array indexed in a loop is memory on a CPU adapter), each row
 * in column order as vec4 dots, then the epilogue of each row that exists.
 */

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** row_block for `rpi` rows per invocation and `batch` instances. */
export function denseRowsBlock(rpi: number, batch: number): string {
  if (!Number.isInteger(rpi) || rpi < 1) throw new Error(`rows per invocation must be a positive integer, got ${rpi}`);
  const rows = range(rpi), insts = range(batch);
  const acc = (q: number, b: number) => `a${q}_${b}`;
  return [
    'fn row_block(first: u32) {',
    '  // A row past this part of W reads its last row; its sums are not written.',
    ...rows.map((q) => `  let w${q} = min(first + ${q}u, PART_ROWS - 1u) * PRE4;`),
    ...rows.map((q) => `  ${insts.map((b) => `var ${acc(q, b)} = 0.0;`).join(' ')}`),
    '  for (var k = 0u; k < PRE4; k++) {',
    ...insts.map((b) => `    let r${b} = rates4(${b}u, k);`),
    ...rows.flatMap((q) => [`    let v${q} = weights[w${q} + k];`, ...insts.map((b) => `    ${acc(q, b)} += dot(v${q}, r${b});`)]),
    '  }',
    ...rows.map((q) => `  if (first + ${q}u < PART_ROWS) { ${insts.map((b) => `epilogue(${b}u, ROW0 + first + ${q}u, proj_gain(${b}u) * ${acc(q, b)});`).join(' ')} }`),
    '}',
  ].join('\n');
}
